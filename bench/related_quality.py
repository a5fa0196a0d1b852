"""Measure the related-article engine on any labelled corpus.

    python bench/related_quality.py FILE.jsonl [FILE2.jsonl ...] --out suggestions.jsonl

Every line of the files is an article: `id`, `title`, `body`, `tags`, `published`, `language`
are given to Newsroom; `section`, `topics` and `cluster` are NOT (they are the answers). The
articles go into a fresh temporary SQLite database, migrated for the occasion, as published
articles of one neutral section; then the real engine runs (`related.rebuild`, what
`manage.py rebuild_related` runs) and each article's suggestions are read back through the
article page's own query (`related.related_articles`, five per article). One line per
article is written to `--out`: `{"id": ..., "related": [five ids, best first]}`.

Metrics (printed), with labels L(a) = the article's `topics` when present, else `[section]`:

- gain g(a, b) = |L(a) & L(b)| / |L(a) | L(b)| (Jaccard); b is relevant to a when g > 0.
- P@5 = (relevant suggestions among the five) / 5, a missing suggestion counting as not
  relevant; the mean over all articles.
- nDCG@5 = DCG@5 / IDCG@5 with DCG@5 = sum over ranks i = 1..5 of g(a, s_i) / log2(i + 1)
  (a missing suggestion has gain 0), and IDCG@5 the same sum over the five largest gains
  g(a, b) over every other article b of the corpus, sorted from largest down (the best five
  suggestions possible). The mean is over the articles with IDCG@5 > 0; articles whose labels
  no other article shares are left out, and their number is printed.
- five: the share of articles with five suggestions.
- suggested: the share of the corpus that appears in at least one article's suggestions.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import scipy.sparse as sp

ROOT = Path(__file__).resolve().parent.parent
K = 5
# Articles without a date get this one: fixed, so that runs are reproducible.
UNDATED = datetime(2020, 1, 1, tzinfo=UTC)


def read_articles(paths: Sequence[str]) -> list[dict]:
    rows = []
    for path in paths:
        with open(path, encoding="utf-8") as handle:
            rows.extend(json.loads(line) for line in handle if line.strip())
    ids = [row["id"] for row in rows]
    if len(set(ids)) != len(ids):
        raise SystemExit("Article ids must be unique across the files.")
    return rows


def labels(row: dict) -> list[str]:
    return list(row.get("topics") or [row["section"]])


def evaluate(
    label_sets: Sequence[Sequence[str]], suggestions: Sequence[Sequence[int]], k: int = K
) -> dict[str, float]:
    """P@k, nDCG@k, share with k suggestions and share ever suggested (see module docstring).

    `suggestions[i]` lists row numbers of `label_sets`, best first."""
    n = len(label_sets)
    names: dict[str, int] = {}
    rows, cols = [], []
    for i, ls in enumerate(label_sets):
        for label in set(ls):
            rows.append(i)
            cols.append(names.setdefault(label, len(names)))
    matrix = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, max(len(names), 1)))
    sizes = np.asarray(matrix.sum(axis=1)).ravel()
    discounts = 1 / np.log2(np.arange(2, k + 2))
    precision, ndcg, undefined, full, seen = [], [], 0, 0, set()
    for start in range(0, n, 1000):
        block = slice(start, min(start + 1000, n))
        shared = (matrix[block] @ matrix.T).toarray()
        gains = shared / np.maximum(sizes[block, None] + sizes[None, :] - shared, 1)
        for offset in range(gains.shape[0]):
            i = start + offset
            g = gains[offset]
            g[i] = 0.0
            chosen = list(suggestions[i])[:k]
            full += len(chosen) == k
            seen.update(chosen)
            got = g[chosen] if chosen else np.zeros(0)
            precision.append(float((got > 0).sum()) / k)
            ideal = np.sort(np.partition(g, -k)[-k:] if n > k else g)[::-1][:k]
            idcg = float((ideal * discounts[: len(ideal)]).sum())
            if idcg > 0:
                ndcg.append(float((got * discounts[: len(got)]).sum()) / idcg)
            else:
                undefined += 1
    return {
        "articles": n,
        "P@5": float(np.mean(precision)) if precision else 0.0,
        "nDCG@5": float(np.mean(ndcg)) if ndcg else 0.0,
        "nDCG_undefined": undefined,
        "five": full / n if n else 0.0,
        "suggested": len(seen) / n if n else 0.0,
    }


def _published(value) -> datetime:
    if not value:
        return UNDATED
    when = datetime.fromisoformat(value)
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def fresh_database() -> None:
    """A new, migrated SQLite database in a temporary folder, then Django set up on it."""
    workdir = tempfile.mkdtemp(prefix="newsroom-quality-")
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/quality.sqlite3"
    os.environ["DJANGO_SETTINGS_MODULE"] = "newsroom.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def add_articles(rows: Sequence[dict], first_number: int = 0) -> list[int]:
    """Store `rows` as published articles of the one neutral section, with their tags; the
    refresh each save schedules runs after the commit, as on the site. Returns the pks."""
    from django.db import transaction

    from articles.models import Article, Section, Tag, TaggedArticle
    from articles.text import make_slug

    with transaction.atomic():
        section, _ = Section.objects.get_or_create(slug="corpus", defaults={"name": "Corpus"})
        pks = []
        for number, row in enumerate(rows, start=first_number):
            article = Article(
                title=row["title"] or "-",
                slug=f"a-{number}",
                standfirst="",
                body=row.get("body") or "",
                language=(row.get("language") or "")[:12],
                section=section,
                status=Article.Status.PUBLISHED,
                published_at=_published(row.get("published")),
            )
            article.save()
            pks.append(article.pk)
        links = set()
        for pk, row in zip(pks, rows, strict=True):
            for name in row.get("tags") or []:
                slug = make_slug(name, max_length=100)
                tag = Tag.objects.filter(slug=slug).first() or Tag.objects.create(
                    name=name[:100], slug=slug
                )
                links.add((pk, tag.pk))
        TaggedArticle.objects.bulk_create(
            [TaggedArticle(content_object_id=pk, tag_id=tag) for pk, tag in sorted(links)]
        )
    return pks


def read_suggestions(pks: Sequence[int]) -> list[list[int]]:
    """Each article's five suggestions through the article page's query, as row numbers."""
    from articles.models import Article
    from related import related_articles

    row_of = {pk: i for i, pk in enumerate(pks)}
    articles = {article.pk: article for article in Article.objects.only("pk")}
    return [
        [row_of[related.pk] for related in related_articles(articles[pk], limit=K)] for pk in pks
    ]


def run_engine(rows: list[dict], *, quiet: bool = False) -> tuple[list[list[int]], dict]:
    """Load `rows` into a fresh database, run the engine; suggestions as row numbers."""
    timings = {}
    t0 = time.perf_counter()
    fresh_database()
    from related import paused, rebuild
    from related.management.commands.rebuild_related import ProgressBar

    with paused():
        pks = add_articles(rows)
    timings["load_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    rebuild(progress=None if quiet else ProgressBar())
    timings["rebuild_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    suggestions = read_suggestions(pks)
    timings["read_s"] = time.perf_counter() - t0
    return suggestions, timings


def main(argv: Sequence[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="+", help="JSON Lines files of labelled articles")
    parser.add_argument("--out", required=True, help="where to write the suggestions (JSONL)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)

    rows = read_articles(args.files)
    suggestions, timings = run_engine(rows, quiet=args.quiet)
    with open(args.out, "w", encoding="utf-8") as out:
        for row, chosen in zip(rows, suggestions, strict=True):
            out.write(
                json.dumps({"id": row["id"], "related": [rows[j]["id"] for j in chosen]}) + "\n"
            )
    result = evaluate([labels(row) for row in rows], suggestions)
    result.update(timings)
    print(
        f"articles {result['articles']}  P@5 {result['P@5']:.4f}  nDCG@5 {result['nDCG@5']:.4f}"
        f"  five {result['five']:.2%}  suggested {result['suggested']:.2%}"
        f"  (nDCG undefined for {result['nDCG_undefined']})"
    )
    print(
        f"load {result['load_s']:.1f}s  rebuild {result['rebuild_s']:.1f}s  "
        f"read {result['read_s']:.1f}s"
    )
    if not math.isfinite(result["P@5"]):
        raise SystemExit(1)
    return result


if __name__ == "__main__":
    main()
