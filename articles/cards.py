"""Article cards, bylines and lead pictures: the pieces every reader page repeats.

A homepage prints about forty cards. As a template include a card cost about 0.26 ms
(Django templates resolve each variable by trial and copy a context per include), which
made cards the largest single cost of an uncached listing page; built here with
`format_html` they cost a fifth of that (bench/RESULTS.md, "Page serving"). Every value
is escaped by `format_html`/`conditional_escape`; nothing from an article is marked safe.
Templates call them through `{% article_card %}`, `{% byline %}` and `{% picture %}`
(articles/templatetags/articles_tags.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.files.storage import FileSystemStorage, InMemoryStorage, storages
from django.utils import formats, timezone
from django.utils.encoding import filepath_to_uri
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext

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
        return base + filepath_to_uri(name).lstrip("/")
    return storage.url(name)


_LOCAL_STORAGES = (FileSystemStorage, InMemoryStorage)


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
    attributes = format_html(
        'alt="{}" width="{}" height="{}"{}{} decoding="async"{}',
        article.lead_image_alt,
        article.lead_image_width or "",
        article.lead_image_height or "",
        mark_safe(' fetchpriority="high"') if priority else "",
        mark_safe(' loading="lazy"') if lazy else "",
        format_html(' class="{}"', css_class) if css_class else "",
    )
    renditions = article.lead_image_renditions
    if not renditions:
        return format_html('<img src="{}" {}>', article.lead_image.url, attributes)
    return format_html(
        '<picture>\n  <source type="image/webp" srcset="{}" sizes="{}">\n'
        '  <img src="{}" srcset="{}" sizes="{}" {}>\n</picture>',
        srcset(renditions, "webp"),
        sizes,
        largest(renditions, "fallback"),
        srcset(renditions, "fallback"),
        sizes,
        attributes,
    )


def byline(bylines: Iterable[ArticleAuthor]) -> SafeString:
    """ "par Sara et Karim (photos) avec AFP": linked names, roles other than reporter."""
    bylines = list(bylines)
    if not bylines:
        return SafeString("")
    parts = []
    for n, item in enumerate(bylines):
        part = format_html(
            '<a href="{}" rel="author">{}</a>', item.author.get_absolute_url(), item.author.name
        )
        if item.role and item.role != "reporter":
            part += format_html(" ({})", item.get_role_display().lower())
        if item.agency:
            part += " " + conditional_escape(gettext("with %(agency)s") % {"agency": item.agency})
        if n < len(bylines) - 1:
            part += (
                " " + conditional_escape(gettext("and")) + " " if n == len(bylines) - 2 else ", "
            )
        parts.append(part)
    return format_html(
        '<span class="byline">{} {}</span>', gettext("by"), mark_safe("".join(parts))
    )


def published_time(article: Article) -> SafeString:
    when = timezone.localtime(article.published_at)
    # isoformat() is what the "c" date format returns, without parsing a format string.
    return format_html(
        '<time datetime="{}">{}</time>',
        when.isoformat(),
        formats.date_format(when, "DATETIME_FORMAT"),
    )


def comment_count(count: int) -> str:
    return ngettext("%(counter)s comment", "%(counter)s comments", count) % {"counter": count}


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
    html = [format_html('<article class="card{}">', f" card--{size}" if size else "")]
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
            format_html(
                '<p class="kicker"><a href="{}">{}</a></p>',
                section.get_absolute_url(),
                section.name,
            )
        )
    html.append(
        format_html(
            '<h{0} class="card__title"><a href="{1}">{2}</a></h{0}>',
            int(level),
            article.get_absolute_url(),
            article.title,
        )
    )
    if show_standfirst and article.standfirst:
        html.append(format_html('<p class="card__standfirst">{}</p>', article.standfirst))
    html.append('<p class="meta">')
    if show_byline and (names := byline(article.bylines.all())):
        html.append(names + " · ")
    html.append(published_time(article))
    if count := getattr(article, "comment_count", 0):
        html.append(format_html(' · <span class="comment-count">{}</span>', comment_count(count)))
    html.append("</p></div></article>")
    return mark_safe("".join(html))
