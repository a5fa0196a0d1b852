from django import template
from django.contrib.messages import get_messages
from django.http import Http404
from django.middleware.csrf import get_token
from django.template.loader import render_to_string

from pagecache import add_keys

from ..antispam import issue_stamp
from ..forms import CommentForm
from ..purges import POLICY, comments_key
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
    # Every page of the article's comments goes when one of them is approved or removed.
    add_keys(context.request, comments_key(article.pk), POLICY)
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


@register.simple_tag(takes_context=True)
def comment_form(context, article, thread: Thread, form=None):
    """The comment form, the same for every reader of a shared page: no token in it.

    Its script asks for the CSRF and submission tokens when the reader starts writing
    (website.comment_views.form_tokens). A form sent back to its reader (errors, or a post that
    came without tokens) is that reader's alone, so it carries fresh tokens itself.
    """
    request = context.request
    reply_to = thread.reply_target(form["parent"].value() if form else request.GET.get("reply"))
    personal = form is not None
    return render_to_string(
        "comments/_comment_form.html",
        {
            "article": article,
            "form": form or CommentForm(article=article),
            "is_open": thread.is_open,
            # The query string that keeps the reader on this page of comments (or conversation).
            "page_query": thread_url("", thread.page, thread.conversation),
            "reply_to": reply_to,
            "csrf_token": get_token(request) if personal else "",
            "stamp": issue_stamp(article.pk) if personal else "",
            "messages": get_messages(request),
        },
    )
