"""The article page's data in one SQL statement, written once per process.

The ORM builds every query anew for every request: on the article page, five queries for
the article, its bylines, tags, corrections and related articles took most of the
server's time for the page (bench/RESULTS.md, "Page serving"), far more than the database
took to answer them. Here the page is one statement, composed once per process from the
models' own table and column names, that returns the article, its section and comment
count, and the other four lists as JSON (`json_agg` on PostgreSQL, `json_group_array` on
SQLite). What comes back is ordinary model instances with their relations filled in, so
templates, cards and the SEO head work on them exactly as on instances from the ORM, and
the preview (which reads through the ORM) shares their code.

The rules repeated in SQL here are the ORM's, and tests hold them equal on both
databases: visibility is `ArticleQuerySet.published()`, the related list is
`related.store.related_articles()`, orderings are the models' `Meta.ordering`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache

from django.conf import settings
from django.db import connection, models
from django.utils import timezone

from comments.models import Comment

from .models import (
    Article,
    ArticleAuthor,
    Author,
    Correction,
    PinnedRelated,
    RelatedSuggestion,
    Section,
    Tag,
    TaggedArticle,
)

# What the page prints of each model, in the models' field order (from_db needs it).
# The article's raw `body` (the page prints `body_html`) and editors' bookkeeping stay out.
_ARTICLE_SKIPPED = {"body", "edit_token", "publish_override_reason", "created_by", "updated_by"}
_CARD_FIELDS = {
    "id",
    "title",
    "slug",
    "section",
    "status",
    "published_at",
    "lead_image",
    "lead_image_width",
    "lead_image_height",
    "lead_image_alt",
    "lead_image_renditions",
}


@dataclass
class ArticlePage:
    """A visible article and everything its page prints but the comments."""

    article: Article
    """With `section`, `comment_count`, and `bylines`, `tags` and `corrections` loaded
    (`article.tags.all()` and the others run no query)."""
    related: list[Article]
    """Each with its `section`: pinned ones in the editor's order, then computed ones."""


def load_article_page(slug: str) -> ArticlePage | None:
    """The visible article at `slug`, in one query; None when there is none."""
    statement = _statement(connection.vendor)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(statement.sql, {"slug": slug, "now": now})
        row = cursor.fetchone()
    return None if row is None else statement.build(json.loads(row[0]))


# --- Building instances from JSON --------------------------------------------------------


class _Shape:
    """The columns of one model that a statement selects, and how to make instances."""

    def __init__(self, model: type[models.Model], names: set[str] | None = None, skip=()):
        self.model = model
        self.fields = [
            f
            for f in model._meta.concrete_fields
            if (names is None or f.name in names) and f.name not in skip
        ]
        self.attnames = [f.attname for f in self.fields]
        self.converters = [_converter(f) for f in self.fields]

    def json(self, alias: str, vendor: str) -> str:
        """This model's columns of table `alias` as one JSON array, in field order."""
        columns = []
        for field in self.fields:
            column = f"{alias}.{_qn(field.column)}"
            if isinstance(field, models.JSONField) and vendor == "sqlite":
                column = f"json({column})"  # stored as text; embedded as JSON
            columns.append(column)
        return _json_array(columns, vendor)

    def instance(self, values: Sequence) -> models.Model:
        converted = [convert(value) for convert, value in zip(self.converters, values, strict=True)]
        return self.model.from_db(connection.alias, self.attnames, converted)


def _converter(field: models.Field) -> Callable:
    if isinstance(field, models.DateTimeField):
        return _datetime
    if isinstance(field, models.BooleanField):
        return _boolean
    return _same


def _datetime(value: str | None) -> datetime | None:
    """PostgreSQL writes `2026-11-04T16:35:43.725195+00:00`, SQLite (which stores UTC
    without an offset) `2026-11-04 16:35:43.725195`."""
    if value is None:
        return None
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None and settings.USE_TZ:
        moment = moment.replace(tzinfo=UTC)
    return moment


def _boolean(value) -> bool | None:
    return None if value is None else bool(value)  # SQLite's JSON has 1 and 0


def _same(value):
    return value


def _prefetched(
    instance: models.Model, name: str, model: type[models.Model], objects: list
) -> None:
    """Give `instance.<name>.all()` these objects, as `prefetch_related()` does.

    The one place this module relies on how Django keeps prefetched objects: tests check
    that `.all()` then runs no query, so a Django upgrade that changes it fails loudly.
    """
    queryset = models.QuerySet(model)
    queryset._result_cache = objects
    queryset._prefetch_done = True
    if not hasattr(instance, "_prefetched_objects_cache"):
        instance._prefetched_objects_cache = {}
    instance._prefetched_objects_cache[name] = queryset


# --- The statement -----------------------------------------------------------------------


@dataclass
class _Statement:
    sql: str
    build: Callable[[list], ArticlePage]


@cache
def _statement(vendor: str) -> _Statement:
    article = _Shape(Article, skip=_ARTICLE_SKIPPED)
    card = _Shape(Article, _CARD_FIELDS)
    section = _Shape(Section)
    byline = _Shape(ArticleAuthor)
    author = _Shape(Author, {"id", "name", "slug"})
    tag = _Shape(Tag)
    correction = _Shape(Correction)

    articles, sections = _table(Article), _table(Section)
    published = f"{_lit(Article.Status.PUBLISHED)}"
    # ArticleQuerySet.published(), for the alias given.
    visible = "{0}.status = " + published + " AND {0}.published_at <= %(now)s"
    comment_count = (
        f"(SELECT COUNT(*) FROM {_table(Comment)} c WHERE c.{_qn('article_id')} = a.id"
        f" AND c.status = {_lit(Comment.Status.APPROVED)})"
    )
    bylines = _json_list(
        _json_array([byline.json("b", vendor), author.json("au", vendor)], vendor),
        f"FROM {_table(ArticleAuthor)} b JOIN {_table(Author)} au ON au.id = b.author_id"
        " WHERE b.article_id = a.id",
        vendor,
    )
    # Tag.Meta.ordering is by name: ranked by the database, whose collation decides.
    tag_rank = "ROW_NUMBER() OVER (ORDER BY t.name, t.id)"
    tags = _json_list(
        _json_array([tag.json("t", vendor), tag_rank], vendor),
        f"FROM {_table(TaggedArticle)} ta JOIN {_table(Tag)} t ON t.id = ta.tag_id"
        " WHERE ta.content_object_id = a.id",
        vendor,
    )
    corrections = _json_list(
        correction.json("k", vendor),
        f"FROM {_table(Correction)} k WHERE k.article_id = a.id",
        vendor,
    )
    pinned, suggested = _table(PinnedRelated), _table(RelatedSuggestion)
    related = _json_list(
        _json_array(
            [card.json("r", vendor), section.json("rs", vendor), "p.position", "p.id", "g.rank"],
            vendor,
        ),
        f"FROM {articles} r JOIN {sections} rs ON rs.id = r.section_id"
        f" LEFT JOIN {pinned} p ON p.related_id = r.id AND p.article_id = a.id"
        f" LEFT JOIN {suggested} g ON g.related_id = r.id AND g.article_id = a.id"
        f" WHERE r.id IN (SELECT related_id FROM {pinned} WHERE article_id = a.id"
        f" UNION ALL SELECT related_id FROM {suggested} WHERE article_id = a.id)"
        f" AND r.id <> a.id AND {visible.format('r')}"
        # Pinned first in the editor's order, then computed ones by rank.
        " ORDER BY p.position IS NULL, p.position, p.id, g.rank IS NULL, g.rank, r.id"
        f" LIMIT {int(settings.NEWSROOM['RELATED_COUNT'])}",
        vendor,
    )
    page = _json_array(
        [
            article.json("a", vendor),
            section.json("s", vendor),
            comment_count,
            _embed(bylines, vendor),
            _embed(tags, vendor),
            _embed(corrections, vendor),
            _embed(related, vendor),
        ],
        vendor,
    )
    if vendor == "postgresql":
        page += "::text"
    sql = (
        f"SELECT {page} FROM {articles} a JOIN {sections} s ON s.id = a.section_id"
        f" WHERE a.slug = %(slug)s AND {visible.format('a')}"
    )

    def build(data: list) -> ArticlePage:
        values, section_values, count, byline_rows, tag_rows, correction_rows, related_rows = data
        page_article = article.instance(values)
        page_article.section = section.instance(section_values)
        page_article.comment_count = count
        byline_list = []
        for byline_values, author_values in sorted(byline_rows, key=_byline_order):
            item = byline.instance(byline_values)
            item.author = author.instance(author_values)
            byline_list.append(item)
        _prefetched(page_article, "bylines", ArticleAuthor, byline_list)
        tags_in_order = sorted(tag_rows, key=lambda row: row[1])
        _prefetched(
            page_article, "tags", Tag, [tag.instance(values) for values, _rank in tags_in_order]
        )
        notes = [correction.instance(values) for values in correction_rows]
        notes.sort(key=lambda note: (note.created_at, note.pk))
        _prefetched(page_article, "corrections", Correction, notes)
        cards = []
        for card_values, section_values, *_order in sorted(related_rows, key=_related_order):
            item = card.instance(card_values)
            item.section = section.instance(section_values)
            cards.append(item)
        return ArticlePage(article=page_article, related=cards)

    def _byline_order(row):
        values = dict(zip(byline.attnames, row[0], strict=True))
        return (values["position"], values["id"])

    def _related_order(row):
        pin_position, pin_id, rank = row[2:]
        card_id = row[0][0]  # a model's first concrete field is its primary key
        return (
            pin_position is None,
            pin_position or 0,
            pin_id or 0,
            rank is None,
            rank or 0,
            card_id,
        )

    return _Statement(sql=sql, build=build)


def _json_array(items: Sequence[str], vendor: str) -> str:
    function = "json_build_array" if vendor == "postgresql" else "json_array"
    return f"{function}({', '.join(items)})"


def _json_list(item: str, source: str, vendor: str) -> str:
    """A subquery: `item` for each row of `source` (FROM ... WHERE ... [ORDER BY ... LIMIT]),
    as one JSON array, [] when there is none.

    Aggregates promise no order, so lists that need one carry their sort key and are
    sorted when read. `item` is computed in a derived table, where it may use window
    functions.
    """
    if vendor == "postgresql":
        return f"(SELECT COALESCE(json_agg(x.o), '[]'::json) FROM (SELECT {item} AS o {source}) x)"
    return f"(SELECT json_group_array(json(x.o)) FROM (SELECT {item} AS o {source}) x)"


def _embed(subquery: str, vendor: str) -> str:
    # SQLite passes a subquery's JSON on as text; json() makes it JSON again.
    return subquery if vendor == "postgresql" else f"json({subquery})"


def _table(model: type[models.Model]) -> str:
    return _qn(model._meta.db_table)


def _qn(name: str) -> str:
    return connection.ops.quote_name(name)


def _lit(value: str) -> str:
    """A constant of this module (a status) as an SQL literal; never a reader's input."""
    if not value.isidentifier():
        raise ValueError(value)
    return f"'{value}'"
