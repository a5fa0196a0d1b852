"""Article cards, bylines and lead pictures: the pieces every reader page repeats.

A homepage prints about forty cards. As a template include a card cost about 0.26 ms
(Django templates resolve each variable by trial and copy a context per include), which
made cards the largest single cost of an uncached listing page; built here as
plain strings they cost a tenth of that (bench/RESULTS.md, "Page serving"). Every value
is escaped (`esc`); nothing from an article is marked safe.
Templates call them through `{% article_card %}`, `{% byline %}` and `{% picture %}`
(articles/templatetags/articles_tags.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from html import escape as html_escape
from typing import TYPE_CHECKING

from django.core.files.storage import FileSystemStorage, InMemoryStorage, storages
from django.utils import timezone
from django.utils.encoding import filepath_to_uri
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext

from .dates import date_format

if TYPE_CHECKING:
    from .models import Article, ArticleAuthor

CARD_IMAGE_SIZES = {
    "lead": "(min-width: 60rem) 46rem, 100vw",
    None: "(min-width: 40rem) 20rem, 100vw",
}


def media_url(name: str) -> str:
    """`default_storage.url(name)`, without its urljoin() for the local storages.

    A homepage prints about 250 rendition addresses; for storages whose address is their
    base URL plus the quoted path, that is what this returns. Others (object storage,
    signed addresses) answer through their own url().
    """
    storage = storages["default"]
    base = getattr(storage, "base_url", None)
    if isinstance(storage, _LOCAL_STORAGES) and base and base.endswith("/"):
        if _PLAIN_NAME.fullmatch(name):
            return base + name  # what quoting would return (renditions' names are plain)
        return base + filepath_to_uri(name).lstrip("/")
    return storage.url(name)


_LOCAL_STORAGES = (FileSystemStorage, InMemoryStorage)
# Names that filepath_to_uri() returns unchanged and that need no leading slash removed.
_PLAIN_NAME = re.compile(r"[A-Za-z0-9_.~-][A-Za-z0-9_.~/-]*")


def srcset(renditions: list[dict] | None, kind: str) -> str:
    """`url 480w, url 800w…` for the renditions of one kind ("webp" or "fallback")."""
    return ", ".join(f"{media_url(r[kind])} {r['width']}w" for r in renditions or [])


def largest(renditions: list[dict] | None, kind: str) -> str:
    return media_url(renditions[-1][kind]) if renditions else ""


def picture(
    article: Article,
    sizes: str,
    *,
    priority: bool = False,
    lazy: bool = False,
    css_class: str = "",
) -> SafeString:
    """The lead image as <picture> (WebP, then JPEG), or a plain <img> without renditions."""
    attributes = [
        f'alt="{esc(article.lead_image_alt)}"',
        f'width="{esc(article.lead_image_width or "")}"',
        f'height="{esc(article.lead_image_height or "")}"',
    ]
    if priority:
        attributes.append('fetchpriority="high"')
    if lazy:
        attributes.append('loading="lazy"')
    attributes.append('decoding="async"')
    if css_class:
        attributes.append(f'class="{esc(css_class)}"')
    attributes = " ".join(attributes)
    renditions = article.lead_image_renditions
    if not renditions:
        return mark_safe(f'<img src="{esc(article.lead_image.url)}" {attributes}>')
    sizes = esc(sizes)
    return mark_safe(
        f'<picture>\n  <source type="image/webp" srcset="{esc(srcset(renditions, "webp"))}" '
        f'sizes="{sizes}">\n  <img src="{esc(largest(renditions, "fallback"))}" '
        f'srcset="{esc(srcset(renditions, "fallback"))}" sizes="{sizes}" {attributes}>\n</picture>'
    )


def byline(bylines: Iterable[ArticleAuthor]) -> SafeString:
    """ "par Sara et Karim (photos) avec AFP": linked names, roles other than reporter."""
    bylines = list(bylines)
    if not bylines:
        return SafeString("")
    parts = []
    last = len(bylines) - 1
    for n, item in enumerate(bylines):
        author = item.author
        part = f'<a href="{esc(author.get_absolute_url())}" rel="author">{esc(author.name)}</a>'
        if item.role and item.role != "reporter":
            part += f" ({esc(item.get_role_display().lower())})"
        if item.agency:
            part += " " + esc(gettext("with %(agency)s") % {"agency": item.agency})
        if n < last:
            # gettext() outside f-strings: makemessages does not see calls inside them.
            part += " " + esc(gettext("and")) + " " if n == last - 1 else ", "
        parts.append(part)
    by = esc(gettext("by"))
    return mark_safe(f'<span class="byline">{by} {"".join(parts)}</span>')


def published_time(article: Article) -> SafeString:
    when = timezone.localtime(article.published_at)
    # isoformat() is what the "c" date format returns, without parsing a format string.
    return mark_safe(f'<time datetime="{esc(when.isoformat())}">{esc(date_format(when))}</time>')


def comment_count(count: int) -> str:
    return ngettext("%(counter)s comment", "%(counter)s comments", count) % {"counter": count}


def reading_time(minutes: int) -> str:
    return ngettext("%(minutes)s minute read", "%(minutes)s minutes read", minutes) % {
        "minutes": minutes
    }


def article_card(
    article: Article,
    *,
    size: str = "",
    level: int = 3,
    show_image: bool = False,
    show_section: bool = False,
    show_standfirst: bool = False,
    show_byline: bool = False,
    lazy: bool = False,
) -> SafeString:
    """One story in a listing: picture, section, linked headline, standfirst, byline, date."""
    html = [f'<article class="card{f" card--{esc(size)}" if size else ""}">']
    if show_image and article.lead_image:
        sizes = CARD_IMAGE_SIZES.get(size, CARD_IMAGE_SIZES[None])
        html.append(
            picture(
                article,
                sizes,
                priority=size == "lead",
                lazy=bool(lazy) and size != "lead",
                css_class="card__image",
            )
        )
    html.append('<div class="card__body">')
    if show_section:
        section = article.section
        html.append(
            f'<p class="kicker"><a href="{esc(section.get_absolute_url())}">'
            f"{esc(section.name)}</a></p>"
        )
    level = int(level)
    html.append(
        f'<h{level} class="card__title"><a href="{esc(article.get_absolute_url())}">'
        f"{esc(article.title)}</a></h{level}>"
    )
    if show_standfirst and article.standfirst:
        html.append(f'<p class="card__standfirst">{esc(article.standfirst)}</p>')
    html.append('<p class="meta">')
    if show_byline and (names := byline(article.bylines.all())):
        html.append(names + " · ")
    html.append(published_time(article))
    if count := getattr(article, "comment_count", 0):
        html.append(f' · <span class="comment-count">{esc(comment_count(count))}</span>')
    html.append("</p></div></article>")
    return mark_safe("".join(html))


def esc(value: object) -> str:
    """`django.utils.html.escape` without its lazy-string wrapper: called ~20 times a card,
    always on plain values here."""
    return html_escape(str(value))
