"""The article page's, the homepage's and the list pages' articles, each in one SQL
statement written once per process.

The ORM builds every query anew for every request: on the article page, five queries for
the article, its bylines, tags, corrections and related articles took most of the
server's time for the page (bench/RESULTS.md, "Page serving"), far more than the database
took to answer them. Here the page is one statement, composed once per process from the
models' own table and column names, that returns the article, its section and comment
count, and the other four lists as JSON (`json_agg` on PostgreSQL, `json_group_array` on
SQLite). What comes back is ordinary model instances with their relations filled in, so
templates, cards and the SEO head work on them exactly as on instances from the ORM, and
the preview (which reads through the ORM) shares their code. The homepage's six queries
(pins, featured, newest, top cards, bylines, section blocks) cost it the same way; it is
one statement too, its cards built like the article page's related ones; so are the cards
of a page of a section, tag or author (whose paginator still counts through the ORM).

The rules repeated in SQL here are the ORM's, and tests hold them equal on both
databases (tests/articles/test_reader.py, test_reader_lists.py): visibility is
`ArticleQuerySet.published()`, cards are `for_listing()`, the section blocks are
`latest_per_section()`, the related list is `related.store.related_articles()`,
orderings are the models' `Meta.ordering`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Generic, TypeVar

from django.conf import settings
from django.db import connection, models
from django.utils import timezone

from comments.models import Comment

from .models import (
    Article,
    ArticleAuthor,
    Author,
    Correction,
    HomepagePin,
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
_LISTING_FIELDS = _CARD_FIELDS | {"standfirst", "is_featured"}
T = TypeVar("T")


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
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    return _statement(connection.vendor).run({"slug": slug, "now": now})


@dataclass
class FrontPageData:
    """What the homepage prints, read in one statement; the view chooses the lead from it."""

    pins: dict[int, int]
    """Active pins of visible articles: slot -> article id."""
    top: list[Article]
    """Pinned articles, the newest featured one and the newest ones, newest first; each
    with `section`, `comment_count` and `bylines` loaded."""
    section_blocks: list[tuple[Section, list[Article]]]
    """The newest of each section among the recent ones not in `top`, sections in their
    order; each article with `section` and `comment_count`."""


def load_front_page(
    *, newest: int, featured_for: timedelta, window: int, per_section: int
) -> FrontPageData:
    """The homepage's articles in one query (see `FrontPageView` for the rules)."""
    now = timezone.now()
    return _front_statement(connection.vendor, newest, window, per_section).run(
        {
            "now": connection.ops.adapt_datetimefield_value(now),
            "since": connection.ops.adapt_datetimefield_value(now - featured_for),
        }
    )


def load_article_cards(kind: str, pk: int, *, offset: int, limit: int) -> list[Article]:
    """One page of a list page's visible articles, newest first, in one query.

    `kind` is the list's heading: "section", "tag" or "author", whose primary key is `pk`.
    Cards come with `section`, `comment_count` and `bylines`, as from `for_listing()`.
    """
    if limit <= 0:
        return []  # as a queryset's empty slice, which runs no query
    statement = _list_statement(connection.vendor, kind)
    # Literal numbers, as the ORM writes them: PostgreSQL plans for the actual page.
    sql = statement.sql.replace(_PAGE, f"LIMIT {int(limit)} OFFSET {int(offset)}", 1)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    return statement.run({"now": now, "pk": pk}, sql)


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
        """What `Model.from_db()` returns, built without `Model.__init__`.

        A page makes fifteen of these; `__init__` (one setattr per field, two signals)
        was most of the cost of reading the page. Read-only instances need neither: the
        only init receivers on these models fill image dimensions, which are loaded, and
        the fields not selected stay deferred as from_db() leaves them. Tests compare
        them with the ORM's.
        """
        instance = self.model.__new__(self.model)
        instance.__dict__.update(
            zip(
                self.attnames,
                [convert(value) for convert, value in zip(self.converters, values, strict=True)],
                strict=True,
            )
        )
        state = instance._state = models.base.ModelState()
        state.adding, state.db = False, connection.alias
        if self.model is Article:
            instance.remember_loaded_state()  # as Article.from_db() does
        return instance


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


class _Cards:
    """Listing cards from `_card()` rows; articles of one section share its instance."""

    def __init__(self):
        self.card, self.section = _card_shapes()
        self.sections: dict[int, Section] = {}

    def __call__(self, values: list) -> Article:
        card_values, section_values, count, *bylines = values
        article = self.card.instance(card_values)
        section = self.sections.get(section_values[0])  # primary key first
        if section is None:
            section = self.sections[section_values[0]] = self.section.instance(section_values)
        article.section = section
        article.comment_count = count
        if bylines:
            _prefetched(article, "bylines", ArticleAuthor, _byline_list(bylines[0]))
        return article


@cache
def _card_shapes() -> tuple[_Shape, _Shape]:
    return _Shape(Article, _LISTING_FIELDS), _Shape(Section)


def _card(alias: str, section_alias: str, vendor: str, *, bylines: bool) -> str:
    """What a listing card prints of article `alias` (`for_listing()`), as a JSON array."""
    card, section = _card_shapes()
    items = [card.json(alias, vendor), section.json(section_alias, vendor), _comment_count(alias)]
    if bylines:
        items.append(_embed(_bylines(alias, vendor), vendor))
    return _json_array(items, vendor)


def _latest_first(article: Article) -> tuple:
    return (article.published_at, article.pk)


# --- The statements -----------------------------------------------------------------------


@dataclass
class _Statement(Generic[T]):
    """SQL composed once per process, and what turns its one JSON result into objects."""

    sql: str
    build: Callable[[list], T]

    def run(self, params: dict, sql: str | None = None) -> T | None:
        """The built result; None when the statement finds no row."""
        with connection.cursor() as cursor:
            cursor.execute(sql or self.sql, params)
            row = cursor.fetchone()
        return None if row is None else self.build(json.loads(row[0]))


@cache
def _statement(vendor: str) -> _Statement[ArticlePage]:
    article = _Shape(Article, skip=_ARTICLE_SKIPPED)
    card = _Shape(Article, _CARD_FIELDS)
    section = _Shape(Section)
    tag = _Shape(Tag)
    correction = _Shape(Correction)

    articles, sections = _table(Article), _table(Section)
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
        f" AND r.id <> a.id AND {_visible('r')}"
        # Pinned first in the editor's order, then computed ones by rank.
        " ORDER BY p.position IS NULL, p.position, p.id, g.rank IS NULL, g.rank, r.id"
        f" LIMIT {int(settings.NEWSROOM['RELATED_COUNT'])}",
        vendor,
    )
    page = _json_array(
        [
            article.json("a", vendor),
            section.json("s", vendor),
            _comment_count("a"),
            _embed(_bylines("a", vendor), vendor),
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
        f" WHERE a.slug = %(slug)s AND {_visible('a')}"
    )

    def build(data: list) -> ArticlePage:
        values, section_values, count, byline_rows, tag_rows, correction_rows, related_rows = data
        page_article = article.instance(values)
        page_article.section = section.instance(section_values)
        page_article.comment_count = count
        _prefetched(page_article, "bylines", ArticleAuthor, _byline_list(byline_rows))
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


@cache
def _front_statement(
    vendor: str, newest: int, window: int, per_section: int
) -> _Statement[FrontPageData]:
    """The pins, the top articles and the section blocks of `FrontPageView`, in one query.

    As the ORM's queries did, it reads from the (status, published_at) index: the top
    from the newest `newest` and the blocks from the newest `window`, so no part of it
    walks the whole archive.
    """
    articles, sections = _table(Article), _table(Section)
    latest_first = "ORDER BY a.published_at DESC, a.id DESC"
    sql = (
        # HomepagePin.objects.active(), of visible articles only.
        f"WITH pins AS (SELECT p.slot, p.article_id FROM {_table(HomepagePin)} p"
        f" JOIN {articles} a ON a.id = p.article_id"
        f" WHERE p.pinned_until > %(now)s AND {_visible('a')}),"
        f" newest AS (SELECT a.id, a.published_at FROM {articles} a WHERE {_visible('a')}"
        f" {latest_first} LIMIT {int(window)}),"
        f" top_ids AS (SELECT article_id AS id FROM pins"
        f" UNION SELECT id FROM (SELECT a.id FROM {articles} a WHERE {_visible('a')}"
        f" AND a.is_featured AND a.published_at >= %(since)s {latest_first} LIMIT 1) f"
        f" UNION SELECT id FROM (SELECT a.id FROM newest a {latest_first}"
        f" LIMIT {int(newest)}) n),"
        # ArticleQuerySet.latest_per_section() over the window, without the top.
        f" ranked AS (SELECT a.id, ROW_NUMBER() OVER (PARTITION BY a.section_id"
        f" {latest_first}) AS section_rank FROM {articles} a"
        f" WHERE a.id IN (SELECT id FROM newest) AND a.id NOT IN (SELECT id FROM top_ids)"
        f" AND {_visible('a')})"
    )
    pins = _json_list(_json_array(["slot", "article_id"], vendor), "FROM pins", vendor)
    top = _json_list(
        _card("a", "s", vendor, bylines=True),
        f"FROM {articles} a JOIN {sections} s ON s.id = a.section_id"
        f" WHERE a.id IN (SELECT id FROM top_ids) AND {_visible('a')}",
        vendor,
    )
    # Blocks in section order (Section.Meta.ordering, the database's collation for names).
    block_rank = "ROW_NUMBER() OVER (ORDER BY s.position, s.name, a.published_at DESC, a.id DESC)"
    blocks = _json_list(
        _json_array([_card("a", "s", vendor, bylines=False), block_rank], vendor),
        f"FROM ranked r JOIN {articles} a ON a.id = r.id JOIN {sections} s ON s.id = a.section_id"
        f" WHERE r.section_rank <= {int(per_section)}",
        vendor,
    )
    page = _json_array([_embed(pins, vendor), _embed(top, vendor), _embed(blocks, vendor)], vendor)
    if vendor == "postgresql":
        page += "::text"
    sql += f" SELECT {page}"

    def build(data: list) -> FrontPageData:
        pin_rows, top_rows, block_rows = data
        cards = _Cards()
        top_articles = sorted(map(cards, top_rows), key=_latest_first, reverse=True)
        section_blocks: dict[int, list[Article]] = {}
        for values, _rank in sorted(block_rows, key=lambda row: row[1]):
            article = cards(values)
            section_blocks.setdefault(article.section_id, []).append(article)
        return FrontPageData(
            pins=dict(pin_rows),
            top=top_articles,
            section_blocks=[(items[0].section, items) for items in section_blocks.values()],
        )

    return _Statement(sql=sql, build=build)


_PAGE = "/* page */"


@cache
def _list_statement(vendor: str, kind: str) -> _Statement[list[Article]]:
    """A page of cards of one section, tag or author: `latest_first()` of `published()`
    with `in_section()`, `tagged()` or `by_author()`, joined as the ORM joins them."""
    joins, condition = {
        "section": ("", "a.section_id = %(pk)s"),
        "tag": (
            f" JOIN {_table(TaggedArticle)} ta ON ta.content_object_id = a.id",
            "ta.tag_id = %(pk)s",
        ),
        "author": (
            f" JOIN {_table(ArticleAuthor)} ab ON ab.article_id = a.id",
            "ab.author_id = %(pk)s",
        ),
    }[kind]
    articles = _table(Article)
    # The page's ids first, from the indexes; cards (with their subqueries) for those only.
    page = (
        f"SELECT a.id FROM {articles} a{joins} WHERE {condition} AND {_visible('a')}"
        f" ORDER BY a.published_at DESC, a.id DESC {_PAGE}"
    )
    cards = _json_list(
        _card("a", "s", vendor, bylines=True),
        f"FROM ({page}) p JOIN {articles} a ON a.id = p.id"
        f" JOIN {_table(Section)} s ON s.id = a.section_id",
        vendor,
    )
    sql = f"SELECT {cards}{'::text' if vendor == 'postgresql' else ''}"

    def build(data: list) -> list[Article]:
        return sorted(map(_Cards(), data), key=_latest_first, reverse=True)

    return _Statement(sql=sql, build=build)


def _visible(alias: str) -> str:
    """`ArticleQuerySet.published()` for the article table aliased `alias`."""
    published = _lit(Article.Status.PUBLISHED)
    return f"{alias}.status = {published} AND {alias}.published_at <= %(now)s"


def _comment_count(alias: str) -> str:
    """`ArticleQuerySet.with_comment_counts()`: approved comments of article `alias`."""
    return (
        f"(SELECT COUNT(*) FROM {_table(Comment)} c WHERE c.{_qn('article_id')} = {alias}.id"
        f" AND c.status = {_lit(Comment.Status.APPROVED)})"
    )


@cache
def _byline_shapes() -> tuple[_Shape, _Shape]:
    return _Shape(ArticleAuthor), _Shape(Author, {"id", "name", "slug"})


def _bylines(alias: str, vendor: str) -> str:
    """The bylines of article `alias` with their authors, as a JSON list (unordered)."""
    byline, author = _byline_shapes()
    return _json_list(
        _json_array([byline.json("b", vendor), author.json("au", vendor)], vendor),
        f"FROM {_table(ArticleAuthor)} b JOIN {_table(Author)} au ON au.id = b.author_id"
        f" WHERE b.article_id = {alias}.id",
        vendor,
    )


def _byline_list(rows: list) -> list[ArticleAuthor]:
    """Bylines from `_bylines()` rows, in `ArticleQuerySet.with_bylines()` order."""
    byline, author = _byline_shapes()
    position, pk = byline.attnames.index("position"), byline.attnames.index("id")
    items = []
    for byline_values, author_values in sorted(rows, key=lambda r: (r[0][position], r[0][pk])):
        item = byline.instance(byline_values)
        item.author = author.instance(author_values)
        items.append(item)
    return items


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
