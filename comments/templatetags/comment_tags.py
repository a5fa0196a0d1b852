from functools import lru_cache
from types import SimpleNamespace

from django import template
from django.contrib.messages import get_messages
from django.http import Http404
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import mark_safe

from articles.pagecache import fragment

from .. import rendering
from ..antispam import issue_stamp
from ..forms import CommentForm
from ..threads import (
    CONVERSATION_PARAM,
    PAGE_PARAM,
    Thread,
    conversation_id,
    load_conversation,
    load_thread,
    page_number,
    thread_url,
)

register = template.Library()


@register.simple_tag(takes_context=True)
def comment_thread(context, article) -> Thread:
    """The page of the article's shown comments the query string asks for, as a tree, in a
    fixed number of queries.

    A page number that is not one, or past the last page, makes the article page a 404:
    each page of comments has one address, and a made-up one costs no extra query. So does
    a `conversation` that names none of the article's shown conversations, or comes with a
    page number.
    """
    query = context.request.GET
    if CONVERSATION_PARAM in query:
        conversation = conversation_id(query[CONVERSATION_PARAM])
        thread = None
        if conversation and PAGE_PARAM not in query:
            thread = load_conversation(article, conversation)
        if thread is None:
            raise Http404("No such conversation.")
        return thread
    page = page_number(query.get(PAGE_PARAM))
    thread = load_thread(article, page) if page else None
    if thread is None or not thread.exists:
        raise Http404("No such page of comments.")
    return thread


@register.simple_tag
def comment_list(thread: Thread):
    """This page's comments, replies nested (comments/rendering.py)."""
    return rendering.comment_list(thread.comments, thread.reply_url, thread.more_url)


@register.simple_tag(takes_context=True)
def comment_form(context, article, thread: Thread, form=None):
    """The form and everything that belongs to one reader (tokens, notices, reply target).

    A page-cache fragment: a cached article page keeps only the parameters below and
    renders the form afresh, with new tokens, for every reader.
    """
    request = context.request
    reply_to = thread.reply_target(form["parent"].value() if form else request.GET.get("reply"))
    params = {
        "article_id": article.pk,
        "article_url": article.get_absolute_url(),
        "is_open": thread.is_open,
        "reply_to": [reply_to.pk, reply_to.name] if reply_to else None,
        "page": thread.page,
        "conversation": thread.conversation,
    }
    return mark_safe(fragment("comment_form", render_form(request, form=form, **params), **params))


def render_form(
    request, *, article_id, article_url, is_open, reply_to, page=1, conversation=None, form=None
) -> str:
    """The comment form for one reader; needs no database query.

    `page`, the page of comments it is shown on, or `conversation`, the conversation view,
    brings the reader back there (pages cached before comments had pages carry no `page`,
    before conversation views no `conversation`).
    """
    messages = get_messages(request)
    if form is None and not messages:
        # The common case, on every article page: a blank form whose only per-reader parts
        # are two tokens and whose only per-article parts are the article's id and address,
        # so the rest is rendered once per process for every article (rendering it took
        # 2 ms, more than the rest of the page for an article read once).
        blank = _blank_form(
            is_open, tuple(reply_to or ()), page, conversation, translation.get_language()
        )
        return (
            blank.replace(_ARTICLE_ID_SLOT, f"/{int(article_id)}/")
            .replace(_ARTICLE_URL_SLOT, escape(article_url))
            .replace(_CSRF_SLOT, get_token(request))
            .replace(_STAMP_SLOT, issue_stamp(article_id))
        )
    return _render(
        article_id,
        article_url,
        is_open,
        reply_to,
        page,
        conversation,
        form,
        messages,
        csrf_token=get_token(request),
        stamp=issue_stamp(article_id),
    )


_CSRF_SLOT = "nr-csrf-slot-6b1f0c"
_STAMP_SLOT = "nr-stamp-slot-6b1f0c"
# Stand-ins for the article in the blank form: an id no article has (in the form's action,
# `/commentaires/<id>/`) and an address no article has.
_ARTICLE_ID = 918_273_645_546_372_819
_ARTICLE_ID_SLOT = f"/{_ARTICLE_ID}/"
_ARTICLE_URL_SLOT = "/nr-article-url-slot-6b1f0c/"


@lru_cache(maxsize=512)
def _blank_form(is_open, reply_to, page, conversation, language) -> str:
    return _render(
        _ARTICLE_ID,
        _ARTICLE_URL_SLOT,
        is_open,
        reply_to or None,
        page,
        conversation,
        None,
        [],
        csrf_token=_CSRF_SLOT,
        stamp=_STAMP_SLOT,
    )


def _render(
    article_id,
    article_url,
    is_open,
    reply_to,
    page,
    conversation,
    form,
    messages,
    *,
    csrf_token,
    stamp,
):
    article = SimpleNamespace(pk=article_id, get_absolute_url=article_url)
    return render_to_string(
        "comments/_comment_form.html",
        {
            "article": article,
            "form": form or CommentForm(article=article),
            "is_open": is_open,
            # The query string that keeps the reader on this page of comments (or conversation).
            "page_query": thread_url("", page, conversation),
            "reply_to": SimpleNamespace(pk=reply_to[0], name=reply_to[1]) if reply_to else None,
            "stamp": stamp,
            "csrf_token": csrf_token,
            "messages": messages,
        },
    )
