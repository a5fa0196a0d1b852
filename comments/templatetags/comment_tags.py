from django import template
from django.contrib.messages import get_messages
from django.middleware.csrf import get_token

from ..antispam import issue_stamp
from ..forms import CommentForm
from ..threads import Thread, load_thread

register = template.Library()


@register.simple_tag
def comment_thread(article) -> Thread:
    """The article's shown comments as a tree, in a fixed number of queries."""
    return load_thread(article)


@register.inclusion_tag("comments/_comment_form.html", takes_context=True)
def comment_form(context, article, thread: Thread, form=None):
    """The form and everything that belongs to one reader (tokens, notices, reply target).

    Kept in its own fragment so a cached article page can later fetch it separately.
    """
    request = context.request
    if form:
        reply_to = thread.reply_target(form["parent"].value())
    else:
        form = CommentForm(article=article)
        reply_to = thread.reply_target(request.GET.get("reply"))
    return {
        "article": article,
        "form": form,
        "is_open": thread.is_open,
        "reply_to": reply_to,
        "stamp": issue_stamp(article.pk),
        "csrf_token": get_token(request),
        "messages": get_messages(request),
    }
