"""The on-save path measured: most of a corpus rebuilt, the rest published one by one.

    python bench/related_incremental.py FILE.jsonl [FILE2.jsonl ...] [--share 0.2] [--seed 11]

Like bench/related_quality.py (fresh SQLite database, one neutral section, no labels given to
the engine), but a random `--share` of the articles is held back: the others are loaded and
rebuilt, then the held-back ones are published one at a time, each save followed by the
refresh the site runs after the commit (its own list, and insertion into existing lists;
forced onto the incremental path even for small corpora). Prints the metrics then, the
metrics of the late articles' own lists, the time per refresh, and the metrics after a full
rebuild of the same articles for comparison.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from related_quality import (  # noqa: E402
    add_articles,
    evaluate,
    fresh_database,
    labels,
    read_articles,
    read_suggestions,
)


def show(name: str, result: dict) -> None:
    print(
        f"{name:<34} P@5 {result['P@5']:.4f}  nDCG@5 {result['nDCG@5']:.4f}  "
        f"five {result['five']:.2%}  suggested {result['suggested']:.2%}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="+")
    parser.add_argument("--share", type=float, default=0.2)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    rows = read_articles(args.files)
    order = list(range(len(rows)))
    random.Random(args.seed).shuffle(order)
    late = set(order[: int(len(rows) * args.share)])
    early_rows = [rows[i] for i in range(len(rows)) if i not in late]
    late_rows = [rows[i] for i in sorted(late)]

    fresh_database()
    from related import paused, rebuild, store

    with paused():
        pks = add_articles(early_rows)
    rebuild()
    store.SMALL_CORPUS = 0
    times = []
    for number, row in enumerate(late_rows, start=len(early_rows)):
        t0 = time.perf_counter()
        pks += add_articles([row], first_number=number)  # the refresh runs after its commit
        times.append((time.perf_counter() - t0) * 1000)
    all_rows = early_rows + late_rows
    label_sets = [labels(r) for r in all_rows]
    suggestions = read_suggestions(pks)
    print(f"{len(early_rows)} articles rebuilt, then {len(late_rows)} published one by one")
    show("after the one-by-one publications", evaluate(label_sets, suggestions))
    late_only = [s if i >= len(early_rows) else [] for i, s in enumerate(suggestions)]
    result = evaluate(label_sets, late_only)
    share = len(late_rows) / len(all_rows)
    print(
        f"{'late articles, their own lists':<34} P@5 {result['P@5'] / share:.4f}  "
        f"(save + refresh: median {statistics.median(times):.0f} ms, max {max(times):.0f} ms)"
    )
    rebuild()
    show("after a full rebuild", evaluate(label_sets, read_suggestions(pks)))


if __name__ == "__main__":
    main()
