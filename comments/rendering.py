"""Comments as HTML: a page shows up to a few hundred, so they are built in Python.

As a recursive template include a comment cost about 0.25 ms (a 200-comment page spent
~45 ms of CPU in templates); built here with `format_html` it costs a fraction of that
(bench/RESULTS.md, "Page serving"). The markup is the one `_comment.html` had. Readers'
text arrives already cleaned (`text_html`, sanitised on save); everything else is escaped.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext

from articles.cards import esc
from articles.dates import date_format

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
    # f-strings with every value escaped (`esc`), as the cards: format_html() escaped each
    # argument through several layers and took twice as long.
    pk = int(comment.pk)
    if not comment.is_approved:
        html.append(
            f'<li class="comment comment--removed" id="comment-{pk}">'
            f'<p class="comment__tombstone">{esc(labels["removed"])}</p>'
        )
    else:
        name = comment.name or anonymous
        author = (
            f'<a href="{esc(comment.website)}" rel="nofollow ugc noopener">{esc(name)}</a>'
            if comment.website
            else esc(name)
        )
        when = timezone.localtime(comment.created_at)
        html.append(
            f'<li class="comment" id="comment-{pk}"><article class="comment__body">'
            f'<p class="comment__meta"><bdi class="comment__author">{author}</bdi> '
            f'<a class="comment__date" href="#comment-{pk}"><time datetime="'
            f'{esc(when.isoformat())}">{esc(date_format(when))}'
            f'</time></a></p><div class="comment__text" dir="auto">{comment.text_html}</div>'
        )  # text_html: cleaned by the sanitizer when saved
        if comment.can_reply:
            label = esc(labels["reply_to"] % {"name": name})
            html.append(
                f'<p class="comment__actions"><a href="{esc(reply_url)}{pk}#respond" '
                f'aria-label="{label}">{esc(labels["reply"])}</a></p>'
            )
        html.append("</article>")
    if comment.thread_replies:
        html.append('<ol class="comment-list comment-list--replies">')
        for reply in comment.thread_replies:
            _comment(html, reply, reply_url, anonymous, labels)
        html.append("</ol>")
    html.append("</li>")
