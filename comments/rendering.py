"""Comments as HTML: a page shows up to a few hundred, so they are built in Python.

As a recursive template include a comment cost about 0.25 ms (a 200-comment page spent
~45 ms of CPU in templates); built here with `format_html` it costs a fraction of that
(bench/RESULTS.md, "Page serving"). The markup is the one `_comment.html` had. Readers'
text arrives already cleaned (`text_html`, sanitised on save); everything else is escaped.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext

if TYPE_CHECKING:
    from .models import Comment


def comment_list(comments: Iterable[Comment], reply_url: str, more_url: str = "") -> SafeString:
    """`<li>` items of a thread's comments, replies nested, for an `<ol class="comment-list">`.

    A conversation with replies left out (`more_replies`) ends with a link to all of them:
    `more_url` and the conversation's id.
    """
    anonymous = gettext("Anonymous")
    labels = {
        "reply": gettext("Reply"),
        "reply_to": gettext("Reply to %(name)s"),
        "removed": gettext("Comment removed by moderation."),
    }
    html: list[str] = []
    for comment in comments:
        _comment(html, comment, reply_url, anonymous, labels)
        if getattr(comment, "more_replies", 0):
            conversation = comment.thread_root_id or comment.pk
            html.insert(
                len(html) - 1,  # inside the conversation's `<li>`, after its replies
                format_html(
                    '<p class="comment__more"><a href="{}{}#comment-{}">{}</a></p>',
                    more_url,
                    conversation,
                    conversation,
                    ngettext(
                        "Show %(count)s more reply",
                        "Show %(count)s more replies",
                        comment.more_replies,
                    )
                    % {"count": comment.more_replies},
                ),
            )
    return mark_safe("".join(html))


def _comment(html: list[str], comment: Comment, reply_url: str, anonymous: str, labels) -> None:
    if not comment.is_approved:
        html.append(
            format_html(
                '<li class="comment comment--removed" id="comment-{}">'
                '<p class="comment__tombstone">{}</p>',
                comment.pk,
                labels["removed"],
            )
        )
    else:
        name = comment.name or anonymous
        author = (
            format_html('<a href="{}" rel="nofollow ugc noopener">{}</a>', comment.website, name)
            if comment.website
            else name
        )
        when = timezone.localtime(comment.created_at)
        html.append(
            format_html(
                '<li class="comment" id="comment-{0}"><article class="comment__body">'
                '<p class="comment__meta"><bdi class="comment__author">{1}</bdi> '
                '<a class="comment__date" href="#comment-{0}"><time datetime="{2}">{3}</time>'
                '</a></p><div class="comment__text" dir="auto">{4}</div>',
                comment.pk,
                author,
                when.isoformat(),
                formats.date_format(when, "DATETIME_FORMAT"),
                mark_safe(comment.text_html),  # cleaned by the sanitizer when saved
            )
        )
        if comment.can_reply:
            html.append(
                format_html(
                    '<p class="comment__actions"><a href="{}{}#respond" aria-label="{}">{}</a></p>',
                    reply_url,
                    comment.pk,
                    labels["reply_to"] % {"name": name},
                    labels["reply"],
                )
            )
        html.append("</article>")
    if comment.thread_replies:
        html.append('<ol class="comment-list comment-list--replies">')
        for reply in comment.thread_replies:
            _comment(html, reply, reply_url, anonymous, labels)
        html.append("</ol>")
    html.append("</li>")
