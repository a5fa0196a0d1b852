"""The newsroom's roles as Django groups, kept in step after every `migrate`.

Permissions are only ever added to a group here, so a site administrator's own additions
survive; what a role may do beyond its permissions (a contributor edits only their own
drafts) is written below and enforced in `articles.admin`.
"""

from django.db.models import Q
from django.utils.translation import pgettext_lazy

from .models import Article

# The groups' names in the database: identifiers, the same in every language.
CONTRIBUTOR = "Contributor"
EDITOR = "Editor"
ADMINISTRATOR = "Administrator"
# What the admin calls them, in its language.
ROLE_LABELS = {
    CONTRIBUTOR: pgettext_lazy("staff role", "Contributor"),
    EDITOR: pgettext_lazy("staff role", "Editor"),
    ADMINISTRATOR: pgettext_lazy("staff role", "Administrator"),
}


def role_label(group_name: str) -> str:
    """A group's name as the admin shows it: a role in the admin's language, else as named."""
    return str(ROLE_LABELS.get(group_name, group_name))


_WRITING = [
    "articles.add_article",
    "articles.change_article",
    "articles.view_article",
    "articles.delete_article",
    "articles.add_articleauthor",
    "articles.change_articleauthor",
    "articles.delete_articleauthor",
    "articles.view_articleauthor",
    "articles.add_taggedarticle",
    "articles.change_taggedarticle",
    "articles.delete_taggedarticle",
    "articles.view_taggedarticle",
    "articles.view_section",
    "articles.view_author",
    "articles.view_tag",
    "articles.add_tag",
    # The picture library: a contributor adds pictures and changes their own
    # (pictures.admin.may_change); editors change and delete any.
    "pictures.add_picture",
    "pictures.change_picture",
    "pictures.view_picture",
]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    CONTRIBUTOR: _WRITING,
    EDITOR: [
        "articles.*",
        "pictures.*",
        "taggit.*",
        "comments.*",
        "reversion.view_revision",
        "reversion.view_version",
    ],
    ADMINISTRATOR: [
        "articles.*",
        "pictures.*",
        "taggit.*",
        "comments.*",
        "reversion.*",
        "auth.add_user",
        "auth.change_user",
        "auth.view_user",
        "auth.delete_user",
        "auth.view_group",
        "auth.change_group",
    ],
}


# What a role may do beyond its permissions ------------------------------------------------


def can_publish(user) -> bool:
    return user.has_perm("articles.publish_article")


def can_edit_any(user) -> bool:
    return user.has_perm("articles.edit_any_article")


def owned_by(user) -> Q:
    return Q(created_by=user) | Q(bylines__author__user=user)


def shown_to(user) -> Q:
    """The articles this staff member's admin shows: all of them to those who may edit any
    article, their own (made by them or under their byline) to the others."""
    if can_edit_any(user):
        return Q()
    return Q(pk__in=Article.objects.filter(owned_by(user)).values("pk"))


def _permission_filter(names: list[str]) -> Q:
    query = Q(pk__in=[])
    for name in names:
        app_label, codename = name.split(".", 1)
        if codename == "*":
            query |= Q(content_type__app_label=app_label)
        else:
            query |= Q(content_type__app_label=app_label, codename=codename)
    return query


def sync_roles(**kwargs) -> None:
    """Create the role groups and give them their permissions (post_migrate handler)."""
    from django.contrib.auth.models import Group, Permission

    for role, names in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.add(*Permission.objects.filter(_permission_filter(names)))
