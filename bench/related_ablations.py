"""Ablations of the related-article engine on random halves of labelled corpora.

    python bench/related_ablations.py reuters.jsonl masakhanews.jsonl [--seeds 11 12]

Runs the engine's arithmetic (related.engine, without the database) with variants of
its settings on the A and B halves of each corpus for each seed (the same halves as
bench/related_split.py) and prints P@5 / nDCG@5 / suggested, averaged over the seeds. Settings
are chosen on the A columns; the B columns are the check on unseen articles.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

from related_quality import evaluate, labels  # noqa: E402
from related_split import halves  # noqa: E402

from related import engine  # noqa: E402

BASE = engine.PARAMS
PLAIN = dataclasses.replace(
    BASE,
    title_weight=1,
    standfirst_weight=1,
    tag_weight=0,
    max_terms=10**6,
    min_df=1,
    lsa_weight=0,
    spectral_weight=0,
    hub_penalty=0,
    recency_weight=0,
    duplicate_threshold=2.0,
)
VARIANTS = {
    "TF-IDF cosine, title + body (sublinear tf)": PLAIN,
    "+ min_df 2, 100 heaviest terms kept": dataclasses.replace(PLAIN, min_df=2, max_terms=100),
    "+ headline x2": dataclasses.replace(PLAIN, min_df=2, max_terms=100, title_weight=2),
    "+ LSA blend (0.5)": dataclasses.replace(
        PLAIN, min_df=2, max_terms=100, title_weight=2, lsa_weight=0.5
    ),
    "+ spectral embedding (0.2)": dataclasses.replace(
        PLAIN, min_df=2, max_terms=100, title_weight=2, lsa_weight=0.5, spectral_weight=0.2
    ),
    "+ hub penalty (0.2)": dataclasses.replace(
        PLAIN,
        min_df=2,
        max_terms=100,
        title_weight=2,
        lsa_weight=0.5,
        spectral_weight=0.2,
        hub_penalty=0.2,
    ),
    "engine (+ tags 0.5, recency 0.03, same-story filter)": BASE,
    "engine without LSA": dataclasses.replace(BASE, lsa_weight=0),
    "engine without spectral": dataclasses.replace(BASE, spectral_weight=0),
    "engine without hub penalty": dataclasses.replace(BASE, hub_penalty=0),
    "engine, hub penalty 0.1": dataclasses.replace(BASE, hub_penalty=0.1),
    "engine, 64 terms kept": dataclasses.replace(BASE, max_terms=64),
    "engine, all terms kept": dataclasses.replace(BASE, max_terms=10**6),
    "engine without recency": dataclasses.replace(BASE, recency_weight=0),
    "engine without tags": dataclasses.replace(BASE, tag_weight=0),
    "engine, spectral 0.3": dataclasses.replace(BASE, spectral_weight=0.3),
    "engine, LSA 0.3": dataclasses.replace(BASE, lsa_weight=0.3),
    "engine, LSA 0.7": dataclasses.replace(BASE, lsa_weight=0.7),
}


def days(value) -> float:
    if not value:
        return 0.0
    when = datetime.fromisoformat(value)
    return (when if when.tzinfo else when.replace(tzinfo=UTC)).timestamp() / 86400


def score(rows: list[dict], params: engine.Params) -> dict:
    documents = [
        engine.document(
            r["title"],
            "",
            r.get("body") or "",
            r.get("tags") or [],
            r.get("language") or "",
            params,
        )
        for r in rows
    ]
    corpus = engine.build_corpus(
        list(range(len(rows))),
        [d[0] for d in documents],
        [days(r.get("published")) for r in rows],
        [1] * len(rows),
        np.array([d[1] for d in documents]),
        params,
    )
    lists = engine.rank_all(corpus, params)
    return evaluate([labels(r) for r in rows], [[j for j, _ in chosen[:5]] for chosen in lists])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="+")
    parser.add_argument("--seeds", type=int, nargs="+", default=[11, 12])
    parser.add_argument("--only", nargs="*", help="variant names to run (default: all)")
    args = parser.parse_args()
    corpora = {}
    for path in args.files:
        for seed in args.seeds:
            a, b = halves([path], seed)
            corpora[(Path(path).parent.name, seed)] = (
                [json.loads(x) for x in a],
                [json.loads(x) for x in b],
            )
    names = sorted({name for name, _ in corpora})
    header = " | ".join(f"{n} {h} P@5 / nDCG@5 / sugg." for n in names for h in "AB")
    print(f"| variant | {header} |")
    for variant, params in VARIANTS.items():
        if args.only and variant not in args.only:
            continue
        started = time.perf_counter()
        cells = []
        for name in names:
            for half in (0, 1):
                results = [score(corpora[(name, s)][half], params) for s in args.seeds]
                mean = {k: np.mean([r[k] for r in results]) for k in ("P@5", "nDCG@5", "suggested")}
                cells.append(f"{mean['P@5']:.3f} / {mean['nDCG@5']:.3f} / {mean['suggested']:.0%}")
        print(
            f"| {variant} | {' | '.join(cells)} |  <!-- {time.perf_counter() - started:.0f}s -->",
            flush=True,
        )


if __name__ == "__main__":
    main()
