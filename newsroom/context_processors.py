from django.conf import settings


def site(request):
    """What every page's header and footer show (the section navigation is a template tag,
    `{% sections_nav %}`: website/templatetags/articles_tags.py)."""
    return {"site_name": settings.NEWSROOM["SITE_NAME"]}
