"""Search latency at 100,000 articles on PostgreSQL, beside a plain article page load.

    .venv/bin/python bench/search_bench.py [--articles 100000] [--runs 30] [--keep-db]

Builds (or, with --keep-db, reuses) the database `newsroom_search_bench` at
127.0.0.1:5432 with ARTICLES synthetic French (80 %) and English (20 %) articles made with
bulk_create (the search trigger fills their vectors), then, in one process and one run:

- the search page (`/recherche/?q=…`, whole request through the middleware, view and
  template) for a set of queries, RUNS times each after a warm-up;
- the page of one article (`/<year>/<month>/<slug>/`, loaded by its unique slug: the
  plainest reader page) for RUNS × queries different articles;
- the same two at the ORM level: the search's count and first page against
  `Article.objects.get(pk=…)`.

It prints medians and 99th percentiles, their ratio, the plan PostgreSQL chose for one
query, and a Markdown block for bench/RESULTS.md. Page caching is off, so every request
does its real work.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DB_NAME = "newsroom_search_bench"
sys.path.insert(0, str(ROOT))
os.environ.update(
    DJANGO_SETTINGS_MODULE="newsroom.settings",
    DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{DB_NAME}",
    NEWSROOM_PAGE_CACHE_SECONDS="0",
    DJANGO_DEBUG="0",
)


def vocabulary(words: str) -> list[str]:
    return words.split()


# Words by rough frequency: a few very common ones, many rarer ones (topics).
FR_COMMON = vocabulary(
    "gouvernement ministre pays ville projet accord président semaine année réunion "
    "décision question public national région travail"
)
FR_TOPICS = vocabulary(
    "négociations cessez-le-feu réforme retraites budget énergie climat élection sommet "
    "européen hôpital école université recherche transport tramway agriculture récolte "
    "inflation salaire entreprise usine diplomatie frontière parlement tribunal justice "
    "festival musée cinéma roman concert équipe saison victoire défaite record logiciel "
    "cyberattaque satellite océan forêt sécheresse inondation incendie grève syndicat "
    "États-Unis Élysée Québec Genève Bruxelles Marseille Lyon Kyiv Pékin Berlin"
)
FR_GLUE = vocabulary("le la les des du de un une et à en pour avec sur dans par qui que")
EN_COMMON = vocabulary("government minister country city project deal president week year meeting")
EN_TOPICS = vocabulary(
    "negotiations ceasefire reform pensions budget energy climate election summit european "
    "hospital school university research transport agriculture harvest inflation wages "
    "company factory diplomacy border parliament court justice festival museum cinema "
    "novel concert team season victory defeat record software cyberattack satellite ocean "
    "forest drought flood wildfire strike union Washington Brussels Geneva Kyiv Beijing"
)
EN_GLUE = vocabulary("the a of and to in for with on by that from")

QUERIES = [
    "gouvernement",  # in most French articles
    "négociations",
    "negociation",  # no accent, singular: stemming and unaccent
    "etats-unis",
    "réforme des retraites",
    '"sommet européen"',
    "budget -énergie",
    "climate drought",  # English articles
    "cyberattaque satellite tribunal",  # three rarer words together
    "xylophone",  # no match
    "et de la",  # stop words only
]


def words(rng: random.Random, language: str, count: int) -> list[str]:
    common, topics, glue = (
        (FR_COMMON, FR_TOPICS, FR_GLUE) if language == "fr" else (EN_COMMON, EN_TOPICS, EN_GLUE)
    )
    # Like real news: ordinary words everywhere, each article about two topics and
    # touching on a few others, so a topic word is in roughly one article in ten.
    subject = rng.sample(topics, 5)
    pool = glue * 8 + common + subject[:2] * 8 + subject[2:]
    return rng.choices(pool, k=count)


def text(rng: random.Random, language: str, count: int) -> str:
    return " ".join(words(rng, language, count)).capitalize() + "."


def body(rng: random.Random, language: str) -> str:
    paragraphs = [text(rng, language, rng.randint(40, 80)) for _ in range(rng.randint(3, 6))]
    return "".join(f"<p>{p}</p>" for p in paragraphs)


def prepare_database(keep: bool) -> bool:
    """Create the database if needed; True when it must be filled."""
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME]).fetchone()
        if exists and keep:
            return False
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB_NAME}"')
    return True


def generate(count: int) -> float:
    from django.db import connection
    from django.utils import timezone

    from articles.models import Article, ArticleAuthor, Author, Section

    rng = random.Random(5)
    started = time.perf_counter()
    sections = Section.objects.bulk_create(
        Section(name=f"Rubrique {n}", slug=f"rubrique-{n}", position=n) for n in range(8)
    )
    authors = Author.objects.bulk_create(
        Author(name=f"Auteur {n}", slug=f"auteur-{n}") for n in range(60)
    )
    now = timezone.now()
    batch = 2000
    for start in range(0, count, batch):
        rows = []
        for n in range(start, min(start + batch, count)):
            language = "en" if n % 5 == 0 else "fr"
            content = body(rng, language)
            status = "published" if n % 50 else "draft"
            rows.append(
                Article(
                    title=text(rng, language, rng.randint(6, 12)),
                    slug=f"article-{n}",
                    standfirst=text(rng, language, rng.randint(18, 30)),
                    body=content,
                    body_html=content,
                    section=sections[n % len(sections)],
                    language=language,
                    status=status,
                    published_at=now - timedelta(minutes=n * 15 + rng.randint(0, 14)),
                    reading_time=2,
                    edit_token=uuid.uuid4(),
                )
            )
        created = Article.objects.bulk_create(rows)
        ArticleAuthor.objects.bulk_create(
            ArticleAuthor(article=article, author=authors[article.pk % len(authors)])
            for article in created
        )
        done = min(start + batch, count)
        if done % 20000 == 0 or done == count:
            print(f"  {done:,} articles, {time.perf_counter() - started:.0f} s", flush=True)
    with connection.cursor() as cursor:
        # Statistics for the planner, and GIN's pending list merged into the index.
        cursor.execute("VACUUM ANALYZE articles_article")
        cursor.execute("VACUUM ANALYZE articles_articleauthor")
    return time.perf_counter() - started


def timed(call, runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def p99(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=100, method="inclusive")[98]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--keep-db", action="store_true", help="reuse an existing database")
    args = parser.parse_args()

    must_fill = prepare_database(args.keep_db)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    import search
    from articles.models import Article

    build_seconds = None
    if must_fill:
        call_command("migrate", verbosity=0)
        print(f"Generating {args.articles:,} articles…", flush=True)
        build_seconds = generate(args.articles)
    total = Article.objects.count()
    visible = Article.objects.published().count()
    print(f"{total:,} articles ({visible:,} visible)")

    client = Client()
    search_url = "/recherche/"
    rows = []
    all_search: list[float] = []
    for query in QUERIES:
        response = client.get(search_url, {"q": query})
        assert response.status_code == 200, (query, response.status_code)
        # Every match, not only the MAX_RESULTS most recent that are ranked.
        matches = (
            Article.objects.published()
            .filter(search.text_match(search.clean_query(query)[0]))
            .count()
        )
        with CaptureQueriesContext(connection) as ctx:
            client.get(search_url, {"q": query})
        queries = len(ctx.captured_queries)
        samples = timed(lambda q=query: client.get(search_url, {"q": q}), args.runs)
        all_search += samples
        rows.append((query, matches, queries, statistics.median(samples), max(samples)))

    rng = random.Random(7)
    ids = list(Article.objects.published().values_list("pk", flat=True)[:20000])
    picks = [rng.choice(ids) for _ in range(len(QUERIES) * args.runs)]
    paths = {a.pk: a.get_absolute_url() for a in Article.objects.filter(pk__in=set(picks))}
    for pk in picks[:10]:  # warm-up
        assert client.get(paths[pk]).status_code == 200
    article_page = [timed(lambda p=paths[pk]: client.get(p), 1)[0] for pk in picks]

    # ORM level: the search's two queries (count, first page) against a primary-key fetch.
    def search_queries(query: str) -> None:
        results = search.search_articles(query).articles
        results.count()
        list(results[:20])

    orm_search = []
    for query in QUERIES:
        search_queries(query)
        orm_search += timed(lambda q=query: search_queries(q), args.runs)
    orm_pk = [timed(lambda pk=pk: Article.objects.get(pk=pk), 1)[0] for pk in picks]

    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        pg_version = cursor.fetchone()[0].split(" on ")[0]
    plan_query = "réforme des retraites"
    newest = (
        Article.objects.published()
        .filter(search.text_match(plan_query))
        .order_by("-published_at", "-pk")
        .values_list("pk", flat=True)[: search.MAX_RESULTS + 1]
    )
    plans = [
        ("matches, newest first", newest.explain(analyze=True)),
        ("ranked page", search.search_articles(plan_query).articles[:20].explain(analyze=True)),
    ]

    machine = f"{os.cpu_count()} cores ({platform.processor() or platform.machine()}), {pg_version}"
    print(f"\nMachine: {machine}")
    if build_seconds is not None:
        print(f"Built in {build_seconds:.0f} s")
    for label, plan in plans:
        print(f"\nPlan for {plan_query!r}, {label} (EXPLAIN ANALYZE, abridged):")
        for line in plan.splitlines():
            if any(key in line for key in ("Limit", "Sort ", "Bitmap", "Index Scan", "Execution")):
                print("  " + line.strip()[:140])

    header = "| Query | Matches | SQL queries | Median ms | Max ms |"
    lines = [header, "| --- | ---: | ---: | ---: | ---: |"]
    for query, matches, queries, median, worst in rows:
        shown = query.replace("|", "\\|")
        lines.append(f"| `{shown}` | {matches:,} | {queries} | {median:.1f} | {worst:.1f} |")
    search_median, search_p99 = statistics.median(all_search), p99(all_search)
    page_median, page_p99 = statistics.median(article_page), p99(article_page)
    orm_median, orm_p99 = statistics.median(orm_search), p99(orm_search)
    pk_median, pk_p99 = statistics.median(orm_pk), p99(orm_pk)
    summary = [
        "| Measure | Median ms | p99 ms | Ratio of medians |",
        "| --- | ---: | ---: | ---: |",
        f"| Search page, all queries ({len(all_search)} requests) | {search_median:.1f} | "
        f"{search_p99:.1f} | {search_median / page_median:.1f} × article page |",
        f"| Article page by its address ({len(article_page)} requests) | {page_median:.1f} | "
        f"{page_p99:.1f} | 1 |",
        f"| Search queries only (count + first page) | {orm_median:.2f} | {orm_p99:.2f} | "
        f"{orm_median / pk_median:.1f} × pk fetch |",
        f"| `Article.objects.get(pk=…)` | {pk_median:.2f} | {pk_p99:.2f} | 1 |",
    ]
    print()
    print("\n".join(lines))
    print()
    print("\n".join(summary))
    print(f"\n<!-- {total:,} articles, {args.runs} runs per query, machine: {machine} -->")


if __name__ == "__main__":
    main()
