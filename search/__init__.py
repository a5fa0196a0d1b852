"""Reader search: full-text on PostgreSQL, an accent-folding fallback on SQLite.

Both start from `Article.objects.published()` and return a queryset ranked best first,
so the search page paginates it like any list, in a fixed number of queries.

PostgreSQL
    Each article is matched in its own language: French stemming for `fr`, English for
    `en`, no stemming otherwise, accents ignored (text search configurations built on the
    `unaccent` extension, migration `seo_and_search`). The `search_vector` column, kept up
    to date by a trigger and indexed with GIN, weighs the headline (A) above the standfirst
    (B) above the body (C). The reader's words go through `websearch_to_tsquery`, which
    accepts anything typed into a search box ("quoted phrases", `-excluded`, `or`) and
    never raises a syntax error.

    Ranking blends relevance with recency::

        score = ts_rank(weights D,C,B,A = 0.05, 0.1, 0.4, 1.0; length-normalised)
                × (1 + RECENCY_WEIGHT × freshness)
        freshness = 1 / (1 + age / RECENCY_HALF_LIFE)   # 1 today, 0.5 after 14 days, → 0

    A brand-new article counts up to twice an old one with the same relevance, while a
    headline match (weight 1.0) still beats a body match (0.1) of any age.

    A broad query (a common word found in half the archive) ranks only its MAX_RESULTS
    most recent matches: the work per search stays bounded at any archive size (see
    bench/search_bench.py), and a reader narrows with more words to reach older ones.

SQLite (development and small sites)
    No schema: a Python function registered on the connection folds accents and case and
    scores each visible article (every word of the query must start a word of the
    headline, standfirst or body; `-word` excludes). Order: headline (4 points per word)
    over standfirst (2) over body (1), then the newest first. Prefix matching stands in
    for stemming: `négociation` finds `négociations`. FTS5 was set aside: its index is a
    separate table that Django's SQLite table rebuilds (every later AlterField) would
    silently detach from its triggers, and saves that bypass `Article.save()` (revision
    restores, loaddata) would leave it stale.
"""

from __future__ import annotations

import html
import re
import unicodedata
from functools import lru_cache
from typing import NamedTuple

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVectorField,
)
from django.db import connections
from django.db.models import (
    BooleanField,
    Case,
    DateTimeField,
    Expression,
    F,
    FloatField,
    Func,
    Q,
    Value,
    When,
)
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from articles.models import Article
from articles.querysets import ArticleQuerySet
from articles.text import fold_latin_accents

MAX_QUERY_LENGTH = 200
MAX_RESULTS = 1000  # the most recent matches of a broad query that are ranked and shown
MAX_SQLITE_TERMS = 10

# Text search configurations per article language (created by migration seo_and_search).
LANGUAGE_CONFIGS = {"fr": "newsroom_fr", "en": "newsroom_en"}
OTHER_CONFIG = "newsroom_simple"
# ts_rank weights for D, C (body), B (standfirst), A (headline).
RANK_WEIGHTS = [0.05, 0.1, 0.4, 1.0]
# 1: divide by 1 + log(document length), so a long body does not outweigh a headline.
RANK_NORMALIZATION = 1
RECENCY_HALF_LIFE_DAYS = 14
RECENCY_WEIGHT = 1.0

# Private-use characters mark highlights in ts_headline's output; escape() never produces
# them, so after escaping they are the only places that become <mark> tags.
_START, _STOP = "\ue000", "\ue001"
_HIGHLIGHT_SPLIT = re.compile(f"([{_START}{_STOP}])")
_UNWANTED = re.compile(rf"[\x00-\x1f\x7f-\x9f{_START}{_STOP}]")
_TAG = re.compile(r"<[^>]*>")
_WORD = re.compile(r"\w+")
_SIGNED_WORD = re.compile(r"(?<!\w)(-?)(\w+)")


def clean_query(raw: object) -> tuple[str, bool]:
    """What a reader typed, made safe to search: (text, whether it was shortened).

    Control characters (NUL included) become spaces, spaces are collapsed, and anything
    beyond MAX_QUERY_LENGTH characters is dropped at a word boundary.
    """
    text = unicodedata.normalize("NFC", str(raw or ""))
    text = " ".join(_UNWANTED.sub(" ", text).split())
    if len(text) <= MAX_QUERY_LENGTH:
        return text, False
    cut = text[:MAX_QUERY_LENGTH]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut), True


def has_words(query: str) -> bool:
    """Worth searching: at least one letter or digit (not only quotes and operators)."""
    return bool(_WORD.search(query))


class SearchResults(NamedTuple):
    articles: ArticleQuerySet  # best first, ready for a paginator and result cards
    capped: bool  # more than MAX_RESULTS matches: only the most recent are ranked


def search_articles(query: str) -> SearchResults:
    """Visible articles matching `query`, best first, with what a result card shows.

    A broad query (a word in half the archive) ranks only its MAX_RESULTS most recent
    matches, so every search does a bounded amount of work however large the archive.
    """
    visible = Article.objects.published()
    nothing = SearchResults(visible.for_listing().none(), capped=False)
    if not has_words(query):
        return nothing
    connection = connections[visible.db]
    if connection.vendor == "postgresql":
        matching = visible.filter(text_match(query))
        ranking = _postgresql_ranking(query)
    else:
        ranking = _fallback_ranking(query, connection)
        if ranking is None:
            return nothing
        matching = visible.annotate(**ranking).filter(search_score__gt=0)
    # Fetched once, so the page's count and its rows do not search the archive twice.
    newest = list(
        matching.order_by("-published_at", "-pk").values_list("pk", flat=True)[: MAX_RESULTS + 1]
    )
    if not newest:
        return nothing
    articles = (
        visible.filter(pk__in=newest[:MAX_RESULTS])
        .for_listing()
        .annotate(**ranking)
        .order_by("-search_score", "-published_at", "-pk")
    )
    return SearchResults(articles, capped=len(newest) > MAX_RESULTS)


def add_highlights(articles, query: str) -> None:
    """Give each result `title_html` and `snippet_html`: escaped text where only the
    words matching `query` are wrapped in <mark>."""
    terms = None
    for article in articles:
        if hasattr(article, "search_title_marked"):  # PostgreSQL: ts_headline did it
            article.title_html = _marked_html(article.search_title_marked)
            body = _marked_html(article.search_body_marked, unescape=True)
            standfirst = _marked_html(article.search_standfirst_marked)
            article.snippet_html = body if "<mark>" in body or not standfirst else standfirst
            continue
        if terms is None:
            terms = _terms(query)[0]
        article.title_html = _highlight_words(article.title, terms)
        article.snippet_html = _fallback_snippet(article, terms)


# PostgreSQL ---------------------------------------------------------------------------


class StoredSearchVector(Expression):
    """The `search_vector` column the migration adds to articles_article (no model field)."""

    output_field = SearchVectorField()

    def as_sql(self, compiler, connection):
        alias = compiler.query.get_initial_alias()
        column = connection.ops.quote_name("search_vector")
        return f"{compiler.quote_name_unless_alias(alias)}.{column}", []


class _Matches(Func):
    template = "(%(expressions)s)"
    arg_joiner = " @@ "
    output_field = BooleanField()


class _SecondsSince(Func):
    template = "EXTRACT(EPOCH FROM (%(expressions)s))"
    arg_joiner = " - "
    output_field = FloatField()


def _language_queries(query: str) -> list[tuple[Q, SearchQuery, str]]:
    """(which articles, their tsquery, its configuration) for every language branch."""
    branches = [(Q(language=code), config) for code, config in LANGUAGE_CONFIGS.items()]
    branches.append((~Q(language__in=list(LANGUAGE_CONFIGS)), OTHER_CONFIG))
    return [
        (condition, SearchQuery(query, config=config, search_type="websearch"), config)
        for condition, config in branches
    ]


def text_match(query: str) -> Q:
    """Each article against `query` read in the article's language.

    One condition per language, each `search_vector @@ <constant tsquery>`, so PostgreSQL
    answers it with the GIN index (a BitmapOr of one scan per language).
    """
    match = Q()
    for condition, tsquery, _config in _language_queries(query):
        match |= condition & Q(_Matches(StoredSearchVector(), tsquery))
    return match


def _postgresql_ranking(query: str) -> dict:
    """The score, and the highlighted headline, standfirst and body extracts."""
    vector = StoredSearchVector()
    ranks, titles, standfirsts, bodies = [], [], [], []
    body_text = Func(F("body"), Value("<[^>]*>"), Value(" "), Value("g"), function="regexp_replace")
    for condition, tsquery, config in _language_queries(query):
        rank = SearchRank(
            vector, tsquery, weights=RANK_WEIGHTS, normalization=Value(RANK_NORMALIZATION)
        )
        ranks.append(When(condition, then=rank))
        marks = {"config": config, "start_sel": _START, "stop_sel": _STOP}
        titles.append(
            When(condition, then=SearchHeadline("title", tsquery, highlight_all=True, **marks))
        )
        standfirsts.append(
            When(
                condition,
                then=SearchHeadline("standfirst", tsquery, highlight_all=True, **marks),
            )
        )
        bodies.append(
            When(
                condition,
                then=SearchHeadline(
                    body_text,
                    tsquery,
                    max_words=28,
                    min_words=12,
                    max_fragments=2,
                    fragment_delimiter=" … ",
                    **marks,
                ),
            )
        )
    now = timezone.now()
    age = _SecondsSince(Value(now, output_field=DateTimeField()), F("published_at"))
    freshness = Value(1.0) / (Value(1.0) + age / Value(RECENCY_HALF_LIFE_DAYS * 86400.0))
    relevance = Case(*ranks, output_field=FloatField())
    return {
        "search_score": relevance * (Value(1.0) + Value(RECENCY_WEIGHT) * freshness),
        # Computed for the rows of the page only: PostgreSQL evaluates costly output
        # columns after ORDER BY … LIMIT.
        "search_title_marked": Case(*titles),
        "search_standfirst_marked": Case(*standfirsts),
        "search_body_marked": Case(*bodies),
    }


def _marked_html(marked: str | None, *, unescape: bool = False) -> SafeString:
    """ts_headline output → HTML: every piece escaped, highlight markers → balanced <mark>."""
    out, open_ = [], False
    for piece in _HIGHLIGHT_SPLIT.split(marked or ""):
        if piece == _START:
            if not open_:
                out.append("<mark>")
                open_ = True
        elif piece == _STOP:
            if open_:
                out.append("</mark>")
                open_ = False
        elif piece:
            out.append(escape(html.unescape(piece) if unescape else piece))
    if open_:
        out.append("</mark>")
    return mark_safe(" ".join("".join(out).split()))  # noqa: S308 - every piece is escaped


# SQLite --------------------------------------------------------------------------------


def _fallback_ranking(query: str, connection) -> dict | None:
    """The fallback's score (0: not a result), or None when no word is left to look for."""
    terms, excluded = _terms(query)
    if not terms:
        return None
    connection.ensure_connection()
    # Registered on every search: cheap, and the connection may have been replaced since.
    connection.connection.create_function(
        "newsroom_search_score", 4, _fallback_score, deterministic=True
    )
    key = " ".join(terms) + "|" + " ".join(excluded)
    score = Func(
        F("title"),
        F("standfirst"),
        F("body"),
        Value(key),
        function="newsroom_search_score",
        output_field=FloatField(),
    )
    return {"search_score": score}


def _fold(text: str) -> str:
    return fold_latin_accents(unicodedata.normalize("NFC", text)).casefold()


def _plain_text(body_html: str) -> str:
    return html.unescape(_TAG.sub(" ", body_html or ""))


def _terms(query: str) -> tuple[list[str], list[str]]:
    """Folded words to find, and words to exclude (`-word`), for the fallback."""
    terms: list[str] = []
    excluded: list[str] = []
    for sign, word in _SIGNED_WORD.findall(_fold(query)):
        if word == "or":
            continue
        bucket = excluded if sign else terms
        if word not in bucket and len(terms) + len(excluded) < MAX_SQLITE_TERMS:
            bucket.append(word)
    return terms, excluded


@lru_cache(maxsize=64)
def _parse_key(key: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    wanted, _, unwanted = key.partition("|")
    return tuple(wanted.split()), tuple(unwanted.split())


def _fallback_score(title: str, standfirst: str, body: str, key: str) -> float:
    """Points of one article for the query `key` (0: not a result)."""
    terms, excluded = _parse_key(key)
    fields = (
        (4, _WORD.findall(_fold(title or ""))),
        (2, _WORD.findall(_fold(standfirst or ""))),
        (1, _WORD.findall(_fold(_plain_text(body)))),
    )
    for term in excluded:
        if any(word.startswith(term) for _, words in fields for word in words):
            return 0
    score = 0
    for term in terms:
        found = sum(weight for weight, words in fields if any(w.startswith(term) for w in words))
        if not found:
            return 0
        score += found
    return score


def _highlight_words(text: str, terms: list[str]) -> SafeString:
    out, last = [], 0
    for match in _WORD.finditer(text):
        folded = _fold(match.group())
        if any(folded.startswith(term) for term in terms):
            out.append(escape(text[last : match.start()]))
            out.append(f"<mark>{escape(match.group())}</mark>")
            last = match.end()
    out.append(escape(text[last:]))
    return mark_safe("".join(out))  # noqa: S308 - every piece is escaped


def _fallback_snippet(article: Article, terms: list[str], words: int = 30) -> SafeString:
    """Some thirty words of the body around the first match, else the standfirst."""
    body = " ".join(_plain_text(article.body).split())
    spans = list(_WORD.finditer(body))
    for index, match in enumerate(spans):
        if any(_fold(match.group()).startswith(term) for term in terms):
            first = max(0, index - 8)
            last = min(len(spans), first + words) - 1
            excerpt = body[spans[first].start() : spans[last].end()]
            prefix = "… " if first > 0 else ""
            suffix = " …" if last < len(spans) - 1 else ""
            return mark_safe(prefix + _highlight_words(excerpt, terms) + suffix)  # noqa: S308
    return _highlight_words(article.standfirst or " ".join(body.split()[:words]), terms)
