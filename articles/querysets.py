"""Every rule about what a reader may see, as QuerySet methods shared by views, feeds and admin."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.apps import apps
from django.db import models
from django.db.models import Exists, F, OuterRef, Prefetch, Q, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

if TYPE_CHECKING:
    from .models import Article, Author, Section, Tag


class ArticleQuerySet(models.QuerySet):
    def published(self) -> ArticleQuerySet:
        """Visible to readers: published status and a publication time that has come."""
        return self.filter(status="published", published_at__lte=timezone.now())

    def not_visible(self) -> ArticleQuerySet:
        return self.exclude(pk__in=self.published().values("pk"))

    def scheduled(self) -> ArticleQuerySet:
        return self.filter(status="published", published_at__gt=timezone.now())

    def in_section(self, section: Section) -> ArticleQuerySet:
        return self.filter(section=section)

    def tagged(self, tag: Tag) -> ArticleQuerySet:
        return self.filter(tags=tag)

    def by_author(self, author: Author) -> ArticleQuerySet:
        return self.filter(bylines__author=author)

    def latest_first(self) -> ArticleQuerySet:
        return self.order_by("-published_at", "-pk")

    def for_listing(self) -> ArticleQuerySet:
        """Everything an article card renders (cards show no tags): two queries in all."""
        return self.with_comment_counts().with_bylines()

    def without_body(self) -> ArticleQuerySet:
        """For pages that never print the body: its text is most of a row's bytes."""
        return self.defer("body", "body_html")

    def for_article_page(self) -> ArticleQuerySet:
        """Everything the article page and its preview print: four queries in all (the
        article with its section and comment count, bylines, tags, corrections)."""
        return (
            self.defer("body")
            .with_comment_counts()
            .with_bylines_and_tags()
            .prefetch_related("corrections")
        )

    def with_bylines(self) -> ArticleQuerySet:
        """Section, lead picture and ordered bylines with their authors: two queries in all."""
        bylines = (
            self.model._meta.get_field("bylines")
            .related_model.objects.select_related("author")
            .order_by("position", "pk")
        )
        return self.select_related("section", "lead_picture").prefetch_related(
            Prefetch("bylines", queryset=bylines)
        )

    def with_bylines_and_tags(self) -> ArticleQuerySet:
        """Section, ordered bylines with their authors, and tags in the editor's order
        (`tags_in_order`): three queries in all."""
        links = (
            self.model._meta.get_field("taggedarticle")
            .related_model.objects.select_related("tag")
            .order_by("pk")
        )
        return self.with_bylines().prefetch_related(
            Prefetch("taggedarticle_set", queryset=links, to_attr="tag_links")
        )

    def with_comment_counts(self) -> ArticleQuerySet:
        """`comment_count`: each article's approved comments, counted in the same query."""
        return self.annotate(comment_count=CommentCount("approved"))

    def with_pending_comment_counts(self) -> ArticleQuerySet:
        """`pending_comment_count`: each article's comments waiting for a moderator."""
        return self.annotate(pending_comment_count=CommentCount("pending"))

    def latest_per_section(self, per_section: int) -> ArticleQuerySet:
        """The newest `per_section` articles of every section, in one query."""
        ranked = self.annotate(
            section_rank=Window(
                RowNumber(),
                partition_by=[F("section_id")],
                order_by=[F("published_at").desc(), F("pk").desc()],
            )
        )
        return ranked.filter(section_rank__lte=per_section)

    def related_to(self, article: Article) -> ArticleQuerySet:
        """Simple suggestions: same section or shared tags, most shared tags first, then newest."""
        tag_ids = [tag.pk for tag in article.tags_in_order]
        shared = models.Count("tags", filter=Q(tags__in=tag_ids), distinct=True)
        return (
            self.exclude(pk=article.pk)
            .filter(Q(section_id=article.section_id) | Q(tags__in=tag_ids))
            .annotate(shared_tags=shared)
            .order_by("-shared_tags", "-published_at", "-pk")
            .distinct()
        )


class CommentCount(models.Expression):
    """The number of an article's comments in one status, as a correlated subquery.

    Written out rather than built from `Subquery(Count(...))`: the ORM took about 1 ms to
    compile that for every listing query, more than the database took to run it (and a
    subquery, not a JOIN + GROUP BY, composes with window functions, DISTINCT and the other
    annotations of a listing). Served by the comments' (article, status) index.
    """

    output_field = models.IntegerField()

    def __init__(self, status: str):
        super().__init__()
        self.status = status

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}({self.status!r})"

    @property
    def identity(self):
        return (self.__class__, self.status)

    def as_sql(self, compiler, connection):
        # The comments app's model, through Article's reverse relation: comments imports
        # articles, never the other way round.
        comment = compiler.query.model._meta.get_field("comments").related_model
        qn = compiler.quote_name_unless_alias
        article = qn(compiler.query.get_initial_alias())
        table = qn(comment._meta.db_table)
        column = qn(comment._meta.get_field("article").column)
        return (
            f"(SELECT COUNT(*) FROM {table} WHERE {table}.{column} = {article}.{qn('id')} "
            f"AND {table}.{qn('status')} = %s)",
            [self.status],
        )


class ListingQuerySet(models.QuerySet):
    """Sections, tags and authors: each has a page, feeds and a sitemap entry."""

    article_lookup = ""  # the lookup from Article to the model

    def with_visible_articles(self) -> ListingQuerySet:
        """Those with at least one article readers can see: the only ones whose name a
        reader page, feed, sitemap or navigation may show."""
        # The model is looked up, not imported: articles.models imports this module.
        article = apps.get_model("articles", "Article")
        visible = article.objects.published().filter(**{self.article_lookup: OuterRef("pk")})
        return self.filter(Exists(visible))


class SectionQuerySet(ListingQuerySet):
    article_lookup = "section"


class TagQuerySet(ListingQuerySet):
    article_lookup = "tags"


class AuthorQuerySet(ListingQuerySet):
    article_lookup = "bylines__author"
