"""What search engines and social networks read on an article page.

Page title and description (editor overrides first), canonical address, OpenGraph and
Twitter card values, and schema.org JSON-LD (`NewsArticle`, `BreadcrumbList`). The
template tags in `templatetags/seo_tags.py` print them; nothing here queries the database
beyond the article's corrections.
"""

from __future__ import annotations

import json
from datetime import datetime

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from articles.models import Article, Correction

DESCRIPTION_LENGTH = 160
HEADLINE_LENGTH = 110  # Google's limit for a NewsArticle headline
# OpenGraph wants a territory; the one most readers of each language share.
OG_LOCALES = {
    "fr": "fr_FR",
    "en": "en_GB",
    "de": "de_DE",
    "es": "es_ES",
    "it": "it_IT",
    "pt": "pt_PT",
    "ar": "ar_AR",
    "uk": "uk_UA",
    "ru": "ru_RU",
}
# JSON inside <script> must not be able to close the element or open a comment.
_JSON_ESCAPES = [("<", "\\u003C"), (">", "\\u003E"), ("&", "\\u0026")]


def page_title(article: Article) -> str:
    return article.seo_title or article.title


def page_description(article: Article) -> str:
    if article.seo_description:
        return article.seo_description
    text = article.standfirst or article.title
    return _truncated(" ".join(text.split()), DESCRIPTION_LENGTH)


def last_modified(article: Article) -> datetime:
    """Latest of publication, edit and correction (a scheduled article's edit predates it)."""
    times = [article.updated_at, article.published_at or article.updated_at]
    times += [note.created_at for note in article.corrections.all()]
    return max(times)


def lead_image(article: Article, request: HttpRequest, max_width: int = 1600) -> dict | None:
    """The widest rendition of the lead picture up to `max_width`, with an absolute URL."""
    picture = article.lead_picture
    if picture is None:
        return None
    renditions = picture.renditions or []
    fitting = [r for r in renditions if r["width"] <= max_width] or renditions[:1]
    if fitting:
        name, width, height = fitting[-1]["fallback"], fitting[-1]["width"], fitting[-1]["height"]
    else:
        name, width, height = picture.file.name, picture.width, picture.height
    return {
        "name": name,
        "url": request.build_absolute_uri(default_storage.url(name)),
        "width": width,
        "height": height,
        "alt": picture.alt,
        "credit": picture.credit,
        "caption": picture.caption,
    }


def social_image(article: Article, request: HttpRequest) -> dict | None:
    """The picture sharing sites show (og:image): the lead picture cut at 1.91:1 around
    its focal point, else its widest rendition."""
    picture = article.lead_picture
    social = (picture.crops or {}).get("social") if picture is not None else None
    if not social:
        return lead_image(article, request)
    return {
        "name": social["file"],
        "url": request.build_absolute_uri(default_storage.url(social["file"])),
        "width": social["width"],
        "height": social["height"],
        "alt": picture.alt,
        "credit": picture.credit,
        "caption": picture.caption,
    }


def json_ld_script(data: dict) -> SafeString:
    """A `<script type="application/ld+json">` element whose content cannot break out."""
    payload = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=None)
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(_escape_json(payload)),  # noqa: S308 - escaped just above
    )


def _escape_json(payload: str) -> str:
    # str.replace() three times is several times faster than str.translate() with a table.
    for character, escaped in _JSON_ESCAPES:
        payload = payload.replace(character, escaped)
    return payload


def _truncated(text: str, length: int) -> str:
    """Truncator(text).chars(length); the text itself when it fits (Truncator's scan of
    every character cost more than the rest of the page head)."""
    return text if len(text) <= length else Truncator(text).chars(length)


def _iso(moment: datetime) -> str:
    return timezone.localtime(moment).replace(microsecond=0).isoformat()


def article_metadata(article: Article, request: HttpRequest) -> dict:
    """Everything the head of a public article page carries, ready for the template."""
    site_name = settings.NEWSROOM["SITE_NAME"]
    absolute = request.build_absolute_uri
    canonical = absolute(article.get_absolute_url())
    image = lead_image(article, request)
    social = social_image(article, request)
    bylines = list(article.bylines.all())
    tags = [tag.name for tag in article.tags_in_order]
    modified = last_modified(article)
    description = page_description(article)

    news_article = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": canonical},
        "url": canonical,
        "headline": _truncated(article.title, HEADLINE_LENGTH),
        "description": description,
        "inLanguage": article.language,
        "datePublished": _iso(article.published_at),
        "dateModified": _iso(modified),
        "articleSection": article.section.name,
        "author": [
            {
                "@type": "Person",
                "name": byline.author.name,
                "url": absolute(byline.author.get_absolute_url()),
            }
            for byline in bylines
        ],
        "publisher": {
            "@type": "Organization",
            "name": site_name,
            "url": absolute(reverse("articles:index")),
            "logo": {
                "@type": "ImageObject",
                "url": absolute(static(settings.NEWSROOM.get("PUBLISHER_LOGO", "img/favicon.svg"))),
            },
        },
        "isAccessibleForFree": True,
    }
    if tags:
        news_article["keywords"] = tags
    if image:
        # The whole picture, and its cut for sharing: search engines choose by shape.
        news_article["image"] = [
            {
                "@type": "ImageObject",
                "url": shown["url"],
                "width": shown["width"],
                "height": shown["height"],
                **({"caption": shown["caption"]} if shown["caption"] else {}),
                **({"creditText": shown["credit"]} if shown["credit"] else {}),
            }
            for shown in ([image, social] if social["url"] != image["url"] else [image])
        ]
    if article.source_name or article.source_url:
        source: dict = {"@type": "CreativeWork"}
        if article.source_url:
            source["url"] = article.source_url
        if article.source_name:
            source["publisher"] = {"@type": "Organization", "name": article.source_name}
        news_article["isBasedOn"] = source
    corrections = [
        {"@type": "CorrectionComment", "text": note.text, "datePublished": _iso(note.created_at)}
        for note in article.corrections.all()
        if note.kind == Correction.Kind.CORRECTION
    ]
    if corrections:
        news_article["correction"] = corrections

    breadcrumbs = {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": position, "name": name, "item": url}
            for position, (name, url) in enumerate(
                [
                    (_("Home"), absolute(reverse("articles:index"))),
                    (article.section.name, absolute(article.section.get_absolute_url())),
                    (article.title, canonical),
                ],
                start=1,
            )
        ],
    }

    return {
        "canonical": canonical,
        "title": page_title(article),
        "description": description,
        "locale": OG_LOCALES.get(article.language, article.language),
        "image": social,
        "modified": modified,
        "tags": tags,
        "author_urls": [absolute(byline.author.get_absolute_url()) for byline in bylines],
        "json_ld": [json_ld_script(news_article), json_ld_script(breadcrumbs)],
    }


def head_context(article: Article, request: HttpRequest, site_name: str) -> dict:
    """Canonical link, OpenGraph and Twitter card values (`meta`: attribute, name, value)
    and JSON-LD of a public article page, for templates/articles/_seo_head.html."""
    seo = article_metadata(article, request)
    image = seo["image"]
    published = timezone.localtime(article.published_at).isoformat()
    modified = timezone.localtime(seo["modified"]).isoformat()
    tags = [
        ("property", "og:type", "article"),
        ("property", "og:site_name", site_name),
        ("property", "og:title", seo["title"]),
        ("property", "og:description", seo["description"]),
        ("property", "og:url", seo["canonical"]),
        ("property", "og:locale", seo["locale"]),
    ]
    if image:
        tags.append(("property", "og:image", image["url"]))
        if image["width"]:
            tags.append(("property", "og:image:width", image["width"]))
            tags.append(("property", "og:image:height", image["height"]))
        if image["alt"]:
            tags.append(("property", "og:image:alt", image["alt"]))
    tags += [
        ("property", "article:published_time", published),
        ("property", "article:modified_time", modified),
        ("property", "article:section", article.section.name),
        *(("property", "article:tag", tag) for tag in seo["tags"]),
        *(("property", "article:author", url) for url in seo["author_urls"]),
        ("name", "twitter:card", "summary_large_image" if image else "summary"),
        ("name", "twitter:title", seo["title"]),
        ("name", "twitter:description", seo["description"]),
    ]
    if image:
        tags.append(("name", "twitter:image", image["url"]))
        if image["alt"]:
            tags.append(("name", "twitter:image:alt", image["alt"]))
    return {"canonical": seo["canonical"], "meta": tags, "json_ld": seo["json_ld"]}
