"""Scale benchmark of the related-article engine on PostgreSQL, with synthetic articles.

    python bench/related_scale.py [--articles 100000] [--database-url postgres://...]

Creates (drops first) the database named in `--database-url` (default
postgres://postgres@127.0.0.1:5432/newsroom_related_bench), migrates it, fills it with synthetic
French-like articles (pseudo-words drawn from topics plus Zipf background text and real
French function words, tags and sections tied to topics, ten years of dates), then measures:

1. the full rebuild (`manage.py rebuild_related`), with the time of each stage;
2. an interrupted rebuild resumed with `--resume`;
3. the editor's save of a newly published article, and the refresh that follows it
   (its own list plus its insertion into existing lists), for new, edited and unpublished
   articles;
4. the article page's suggestion query (`related_articles`): wall time from Python and
   PostgreSQL's own execution time (EXPLAIN ANALYZE), over random articles.

Nothing here reads the evaluation corpora.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/newsroom_related_bench"

_FUNCTION_WORDS = (
    "le la les de des du un une et en à au aux pour par sur dans avec qui que ne pas plus "
    "son sa ses leur leurs est sont a ont été être cette ce ces il elle ils elles on nous "
    "selon après avant mais aussi comme entre depuis lors sans sous très tout tous"
)
FUNCTION_WORDS = _FUNCTION_WORDS.split()


class Generator:
    """Deterministic synthetic newsroom: topics with their own words, tags and section."""

    def __init__(self, seed: int = 7, vocabulary: int = 60000, topics: int = 1500) -> None:
        self.rng = np.random.default_rng(seed)
        syllables = [
            c + v
            for c in "bcdfghjklmnprstvz"
            for v in ("a", "e", "i", "o", "u", "ou", "ai", "an", "on")
        ]
        words = set()
        while len(words) < vocabulary:
            n = self.rng.integers(2, 5)
            words.add("".join(self.rng.choice(syllables, n)))
        self.words = np.array(sorted(words))
        rank = np.arange(1, vocabulary + 1)
        self.background = np.cumsum(1 / rank**1.05)
        self.background /= self.background[-1]
        self.topic_words = [self.rng.choice(vocabulary, 120, replace=False) for _ in range(topics)]
        topic_rank = np.arange(1, topics + 1)
        self.topic_popularity = np.cumsum(1 / topic_rank**0.8)
        self.topic_popularity /= self.topic_popularity[-1]
        self.topic_section = self.rng.integers(0, 8, topics)
        self.topic_tags = [self.rng.choice(3000, 4, replace=False) for _ in range(topics)]
        self.function = np.array(FUNCTION_WORDS)

    def text(self, topic: int, length: int) -> str:
        kinds = self.rng.random(length)
        topic_words = self.words[self.rng.choice(self.topic_words[topic], length)]
        background = self.words[
            np.minimum(
                np.searchsorted(self.background, self.rng.random(length)), len(self.words) - 1
            )
        ]
        function = self.function[self.rng.integers(0, len(self.function), length)]
        chosen = np.where(kinds < 0.25, topic_words, np.where(kinds < 0.6, background, function))
        return " ".join(chosen)

    def article(self, number: int) -> dict:
        topic = min(
            int(np.searchsorted(self.topic_popularity, self.rng.random())),
            len(self.topic_popularity) - 1,
        )
        paragraphs = [
            f"<p>{self.text(topic, int(self.rng.integers(40, 90)))}.</p>"
            for _ in range(int(self.rng.integers(3, 7)))
        ]
        tags = [f"sujet-{t}" for t in self.topic_tags[topic][: int(self.rng.integers(0, 4))]]
        return {
            "title": self.text(topic, 9).capitalize(),
            "standfirst": self.text(topic, 25).capitalize() + ".",
            "body": "".join(paragraphs),
            "section": int(self.topic_section[topic]),
            "tags": tags,
            "days": float(self.rng.uniform(0, 3650)),
        }


def setup_django(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "newsroom.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def fill(count: int, generator: Generator) -> list[int]:
    from django.db import transaction
    from django.utils.text import slugify

    from articles.models import Article, Section, Tag, TaggedArticle
    from related import paused

    start = datetime(2015, 1, 1, tzinfo=UTC)
    with paused(), transaction.atomic():
        sections = [
            Section.objects.create(name=f"Rubrique {i}", slug=f"rubrique-{i}", position=i)
            for i in range(8)
        ]
        tags: dict[str, int] = {}
        batch, links = [], []
        for number in range(count):
            data = generator.article(number)
            batch.append(
                Article(
                    title=data["title"],
                    slug=f"{slugify(data['title'])[:150]}-{number}",
                    standfirst=data["standfirst"],
                    body=data["body"],
                    body_html=data["body"],
                    language="fr",
                    section=sections[data["section"]],
                    status=Article.Status.PUBLISHED,
                    published_at=start + timedelta(days=data["days"]),
                )
            )
            links.append(data["tags"])
            if len(batch) == 2000 or number == count - 1:
                created = Article.objects.bulk_create(batch)
                rows = []
                for article, names in zip(created, links, strict=True):
                    for name in names:
                        if name not in tags:
                            tags[name] = Tag.objects.create(name=name, slug=name).pk
                        rows.append(TaggedArticle(content_object_id=article.pk, tag_id=tags[name]))
                TaggedArticle.objects.bulk_create(rows)
                batch, links = [], []
                print(f"  inserted {number + 1}/{count}", file=sys.stderr, end="\r")
    print(file=sys.stderr)
    return list(Article.objects.order_by("pk").values_list("pk", flat=True))


class Stages:
    """Progress callback that records when each stage of the rebuild ends."""

    def __init__(self, stop_after: tuple[str, float] | None = None) -> None:
        self.started = time.perf_counter()
        self.ends: dict[str, float] = {}
        self.stop_after = stop_after

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.perf_counter() - self.started
        self.ends[stage] = now
        print(f"  {stage:<13} {done}/{total} {now:7.1f}s", file=sys.stderr, end="\r")
        if self.stop_after and stage == self.stop_after[0] and done >= self.stop_after[1] * total:
            raise KeyboardInterrupt


def percentiles(values: list[float]) -> str:
    values = sorted(values)
    pick = lambda q: values[min(len(values) - 1, int(q * len(values)))]  # noqa: E731
    return (
        f"median {statistics.median(values):.1f} ms, p95 {pick(0.95):.1f} ms, "
        f"max {values[-1]:.1f} ms (n={len(values)})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--updates", type=int, default=20)
    parser.add_argument("--reads", type=int, default=1000)
    args = parser.parse_args()

    setup_django(args.database_url)
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from articles.models import Article, Section
    from related import paused, rebuild, related_articles
    from related.models import RelatedSuggestion
    from related.store import refresh

    generator = Generator()
    print(
        f"Database {connection.settings_dict['NAME']} on PostgreSQL "
        f"{connection.cursor().connection.info.server_version}; {os.cpu_count()} cores"
    )
    t0 = time.perf_counter()
    pks = fill(args.articles, generator)
    print(f"Inserted {len(pks)} synthetic articles in {time.perf_counter() - t0:.0f}s")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")

    # 1. Full rebuild.
    stages = Stages()
    t0 = time.perf_counter()
    report = rebuild(progress=stages)
    total = time.perf_counter() - t0
    print(file=sys.stderr)
    print(
        f"Full rebuild of {report.articles} articles: {total:.1f}s "
        f"({', '.join(f'{k} done at {v:.0f}s' for k, v in stages.ends.items())})"
    )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        print(f"Database size after the rebuild: {cursor.fetchone()[0]}")

    # 2. Interrupted at 40% of the writes, then resumed.
    stages = Stages(stop_after=("writing", 0.4))
    t0 = time.perf_counter()
    try:
        rebuild(progress=stages)
    except KeyboardInterrupt:
        interrupted = time.perf_counter() - t0
    t0 = time.perf_counter()
    report = rebuild(resume=True, progress=Stages())
    print(file=sys.stderr)
    print(
        f"Rebuild interrupted after {interrupted:.0f}s; --resume finished in "
        f"{time.perf_counter() - t0:.1f}s from article {report.resumed_from}"
    )

    # 3. Saves and refreshes.
    rng = np.random.default_rng(1)
    sections = list(Section.objects.order_by("pk"))
    saves, refreshes, joined = [], [], []
    for number in range(args.updates):
        data = generator.article(args.articles + number)
        article = Article(
            title=data["title"],
            standfirst=data["standfirst"],
            body=data["body"],
            language="fr",
            section=sections[data["section"]],
            status=Article.Status.PUBLISHED,
        )
        t0 = time.perf_counter()
        # The editor's save; the refresh it would queue for after the commit is timed apart.
        with paused(), transaction.atomic():
            article.save()
            article.tags.add(*data["tags"])
        saves.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        refresh(article.pk)
        refreshes.append((time.perf_counter() - t0) * 1000)
        joined.append(RelatedSuggestion.objects.filter(related=article).count())
    print(f"Editor's save (transaction only): {percentiles(saves)}")
    print(
        f"Refresh after publishing a new article: {percentiles(refreshes)}; it joined "
        f"{statistics.mean(joined):.1f} existing lists on average"
    )
    edits = []
    for pk in rng.choice(pks, args.updates, replace=False):
        article = Article.objects.get(pk=pk)
        article.title = article.title + " " + generator.text(0, 3)
        with paused():
            article.save()
        t0 = time.perf_counter()
        refresh(article.pk)
        edits.append((time.perf_counter() - t0) * 1000)
    print(f"Refresh after editing an existing article: {percentiles(edits)}")
    gone = []
    for pk in rng.choice(pks, args.updates, replace=False):
        Article.objects.filter(pk=pk).update(status=Article.Status.UNPUBLISHED)
        t0 = time.perf_counter()
        refresh(int(pk))
        gone.append((time.perf_counter() - t0) * 1000)
    print(f"Refresh after unpublishing: {percentiles(gone)}")

    # 4. The article page's query.
    visible = list(Article.objects.published().values_list("pk", flat=True))
    sample = [Article.objects.get(pk=pk) for pk in rng.choice(visible, args.reads, replace=False)]
    walls, executions, counts = [], [], []
    for article in sample:
        with CaptureQueriesContext(connection) as queries:
            t0 = time.perf_counter()
            found = related_articles(article)
            walls.append((time.perf_counter() - t0) * 1000)
        counts.append(len(queries))
        assert article not in found
    for article in sample[:200]:
        with CaptureQueriesContext(connection) as queries:
            related_articles(article)
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + queries[0]["sql"])
            plan = cursor.fetchone()[0]
            plan = plan[0] if isinstance(plan, list) else plan
            executions.append(plan["Execution Time"] + plan["Planning Time"])
    print(
        f"Article page suggestion query: {max(counts)} SQL query; wall time from Python "
        f"{percentiles(walls)}; PostgreSQL planning + execution {percentiles(executions)}"
    )


if __name__ == "__main__":
    main()
