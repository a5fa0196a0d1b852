"""Sitemaps for search engines and the robots.txt that points to them.

- `/sitemap.xml`: an index of the article, section, tag and author sitemaps, each with
  last-modified dates. Only visible articles, and only the sections, tags and authors
  that have one, are listed (a tag used only by a draft would give the draft away).
- `/sitemap-news.xml`: Google News, the articles of the last two days.
- `/robots.txt`: keeps crawlers out of the admin, previews and search results.

Every sitemap runs the same few queries whatever its length.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.db.models.functions import Greatest
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone, translation

from articles.models import Article, Author, Section, Tag

NEWS_WINDOW = timedelta(days=2)
NEWS_LIMIT = 1000  # Google News reads at most 1,000 URLs per sitemap


def _visible_ids():
    return Article.objects.published().values("pk")


def _last_change(prefix: str = ""):
    """The latest publication or edit of the articles reached through `prefix`."""
    return Max(Greatest(f"{prefix}updated_at", f"{prefix}published_at"))


class ArticleSitemap(Sitemap):
    limit = 10_000  # pages of the index stay light to build and to fetch (50,000 allowed)

    def items(self):
        return (
            Article.objects.published()
            .only("pk", "slug", "published_at", "created_at", "updated_at")
            .order_by("-published_at", "-pk")
        )

    def lastmod(self, article: Article):
        return max(article.updated_at, article.published_at)

    def get_latest_lastmod(self):
        return Article.objects.published().aggregate(latest=_last_change())["latest"]


class _ListingSitemap(Sitemap):
    """Pages listing articles (section, tag, author): last changed with their newest article."""

    model = None
    through = ""  # lookup path from the model to its articles

    def items(self):
        # filter() before annotate(): the maximum is taken over visible articles only.
        return (
            self.model.objects.filter(**{f"{self.through}__in": _visible_ids()})
            .annotate(last_change=_last_change(f"{self.through}__"))
            .order_by("pk")
        )

    def lastmod(self, obj):
        return obj.last_change

    def get_latest_lastmod(self):
        return Article.objects.published().aggregate(latest=_last_change())["latest"]


class SectionSitemap(_ListingSitemap):
    model = Section
    through = "articles"


class TagSitemap(_ListingSitemap):
    model = Tag
    through = "tagged_articles__content_object"


class AuthorSitemap(_ListingSitemap):
    model = Author
    through = "bylines__article"


class NewsSitemap(Sitemap):
    """Google News: articles published in the last two days (template sitemap_news.xml)."""

    limit = NEWS_LIMIT

    def items(self):
        return (
            Article.objects.published()
            .filter(published_at__gte=timezone.now() - NEWS_WINDOW)
            .only("pk", "slug", "title", "language", "published_at", "created_at")
            .order_by("-published_at", "-pk")
        )


SITEMAPS = {
    "articles": ArticleSitemap,
    "sections": SectionSitemap,
    "tags": TagSitemap,
    "authors": AuthorSitemap,
}


def robots_txt(request):
    """Crawl everything readers see; not the admin, previews, search results or forms."""
    lines = ["User-agent: *", "Disallow: /admin/"]
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            preview = reverse("articles:shared_preview", kwargs={"token": "x"})
            comment = reverse("comments:post", kwargs={"article_id": 1})
            lines += [
                f"Disallow: {preview.removesuffix('x/')}",
                f"Disallow: {reverse('articles:search')}",
                f"Disallow: {comment.removesuffix('1/')}",
            ]
    lines += [
        "",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap_index'))}",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap_news'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
