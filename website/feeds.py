"""RSS 2.0 and Atom feeds of the latest visible articles: whole site, section, tag, author.

Each item carries the standfirst as its summary, the lead picture (an enclosure and a
Media RSS `media:content`), its publication and update times, and a GUID that never
changes when the headline or the address is edited: `tag:<host>,<creation date>:article:<id>`.
Every feed runs the same few queries whatever its length.
"""

from __future__ import annotations

import copy
import mimetypes
from datetime import UTC
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import feedgenerator
from django.utils.html import escape
from django.utils.translation import gettext as _

from articles import purges
from articles.models import Article, Author, Section, Tag
from pagecache import add_keys

from .seo import lead_image

FEED_LENGTH = 30
MEDIA_RSS = "http://search.yahoo.com/mrss/"


def _add_media_content(handler, item: dict) -> None:
    image = item.get("image")
    if not image:
        return
    attributes = {"url": image["url"], "medium": "image", "type": image["type"]}
    if image["width"] and image["height"]:
        attributes.update(width=str(image["width"]), height=str(image["height"]))
    handler.startElement("media:content", attributes)
    if image["alt"]:
        handler.addQuickElement("media:description", image["alt"], {"type": "plain"})
    if image["credit"]:
        handler.addQuickElement("media:credit", image["credit"])
    handler.endElement("media:content")


class MediaRssFeed(feedgenerator.Rss201rev2Feed):
    """RSS 2.0 with Media RSS pictures."""

    def rss_attributes(self):
        return {**super().rss_attributes(), "xmlns:media": MEDIA_RSS}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        _add_media_content(handler, item)


class MediaAtomFeed(feedgenerator.Atom1Feed):
    """Atom 1.0 with Media RSS pictures."""

    def root_attributes(self):
        return {**super().root_attributes(), "xmlns:media": MEDIA_RSS}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        _add_media_content(handler, item)


class ArticleFeed(Feed):
    """The site's latest visible articles (RSS 2.0); subclasses narrow the list."""

    feed_type = MediaRssFeed
    item_guid_is_permalink = False

    def __call__(self, request, *args, **kwargs):
        # One instance serves every request: the per-request state goes on a copy.
        feed = copy.copy(self)
        feed.request = request
        return Feed.__call__(feed, request, *args, **kwargs)

    # The feed --------------------------------------------------------------------------

    def site_name(self) -> str:
        return settings.NEWSROOM["SITE_NAME"]

    def title(self, obj) -> str:
        return self.site_name()

    def description(self, obj) -> str:
        return _("The latest articles of %(site)s.") % {"site": self.site_name()}

    def subtitle(self, obj) -> str:
        return self.description(obj)

    def link(self, obj) -> str:
        return reverse("articles:index")

    def author_name(self, obj) -> str:
        # Atom needs an author for entries without a byline.
        return self.site_name()

    def filter_articles(self, articles, obj):
        return articles

    def list_key(self, obj) -> str:
        return purges.FEEDS

    def items(self, obj):
        articles = Article.objects.published()
        items = list(
            self.filter_articles(articles, obj).with_bylines_and_tags().latest_first()[:FEED_LENGTH]
        )
        add_keys(self.request, purges.FEEDS, self.list_key(obj), purges.article_keys(items))
        return items

    # Items -----------------------------------------------------------------------------

    def item_title(self, item: Article) -> str:
        # Plain text: the feed generator escapes it for XML once (escaping it here too
        # showed "l&#x27;Ukraine" in feed readers).
        return item.title

    def item_description(self, item: Article) -> str:
        # Atom (type="html") and RSS readers take summaries as HTML; the standfirst is text.
        return escape(item.standfirst)

    def item_guid(self, item: Article) -> str:
        host = urlsplit("//" + self.request.get_host()).hostname or "localhost"
        created = item.created_at.astimezone(UTC).date()
        return f"tag:{host},{created.isoformat()}:article:{item.pk}"

    def item_pubdate(self, item: Article):
        return item.published_at

    def item_updateddate(self, item: Article):
        return max(item.updated_at, item.published_at)

    def item_author_name(self, item: Article) -> str | None:
        return ", ".join(byline.author.name for byline in item.bylines.all()) or None

    def item_author_link(self, item: Article) -> str | None:
        bylines = item.bylines.all()
        if len(bylines) != 1:
            return None
        return self.request.build_absolute_uri(bylines[0].author.get_absolute_url())

    def item_categories(self, item: Article) -> list[str]:
        return [item.section.name, *(tag.name for tag in item.tags_in_order)]

    def item_enclosures(self, item: Article) -> list[feedgenerator.Enclosure]:
        image = self._image(item)
        if image is None:
            return []
        # The byte size would cost a storage request per item; 0 means "unknown".
        return [feedgenerator.Enclosure(image["url"], "0", image["type"])]

    def item_extra_kwargs(self, item: Article) -> dict:
        return {"image": self._image(item)}

    def _image(self, item: Article) -> dict | None:
        if not hasattr(item, "_feed_image"):
            image = lead_image(item, self.request, max_width=1200)
            if image is not None:
                image["type"] = mimetypes.guess_type(image["name"])[0] or "image/jpeg"
            item._feed_image = image
        return item._feed_image


class AtomFeedMixin:
    feed_type = MediaAtomFeed


class SectionFeed(ArticleFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Section, slug=slug)

    def list_key(self, obj) -> str:
        return purges.section_key(obj.pk)

    def title(self, obj) -> str:
        return f"{self.site_name()} – {obj.name}"

    def description(self, obj) -> str:
        return _("The latest articles in %(name)s.") % {"name": obj.name}

    def link(self, obj) -> str:
        return obj.get_absolute_url()

    def filter_articles(self, articles, obj):
        return articles.in_section(obj)


class TagFeed(SectionFeed):
    def get_object(self, request, slug):
        # A tag only hidden articles use is not public yet: no feed shows its name.
        return get_object_or_404(Tag.objects.with_visible_articles(), slug=slug)

    def list_key(self, obj) -> str:
        return purges.tag_key(obj.pk)

    def description(self, obj) -> str:
        return _("The latest articles about %(name)s.") % {"name": obj.name}

    def filter_articles(self, articles, obj):
        return articles.tagged(obj)


class AuthorFeed(SectionFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Author.objects.with_visible_articles(), slug=slug)

    def list_key(self, obj) -> str:
        return purges.author_key(obj.pk)

    def description(self, obj) -> str:
        return _("The latest articles by %(name)s.") % {"name": obj.name}

    def filter_articles(self, articles, obj):
        return articles.by_author(obj)


class SiteAtomFeed(AtomFeedMixin, ArticleFeed):
    pass


class SectionAtomFeed(AtomFeedMixin, SectionFeed):
    pass


class TagAtomFeed(AtomFeedMixin, TagFeed):
    pass


class AuthorAtomFeed(AtomFeedMixin, AuthorFeed):
    pass
