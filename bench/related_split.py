"""Held-out check of the related-article engine: the harness on two random halves of a corpus.

    python bench/related_split.py FILE.jsonl [FILE2.jsonl ...] [--seed 11]

The articles are shuffled with a fixed seed and cut in two halves, A and B, written to
temporary files; `bench/related_quality.py` then runs on each half as a corpus of its own.
The engine's settings were chosen by looking at A halves only (bench/RESULTS.md tells how);
B halves are the unseen articles. A half has half the neighbours of the full corpus, so its
figures sit a little below the full corpus's for any method (compare the baseline in
bench/RESULTS.md).
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent


def halves(paths: list[str], seed: int) -> tuple[list[str], list[str]]:
    lines = [line for path in paths for line in Path(path).read_text("utf-8").splitlines() if line]
    order = list(range(len(lines)))
    random.Random(seed).shuffle(order)
    middle = len(order) // 2
    return [lines[i] for i in sorted(order[:middle])], [lines[i] for i in sorted(order[middle:])]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="+")
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="newsroom-split-"))
    for name, rows in zip("AB", halves(args.files, args.seed), strict=True):
        path = workdir / f"half-{name}.jsonl"
        path.write_text("\n".join(rows) + "\n", "utf-8")
        print(f"half {name} (seed {args.seed}, {len(rows)} articles):", flush=True)
        subprocess.run(
            [
                sys.executable,
                str(HERE / "related_quality.py"),
                str(path),
                "--quiet",
                "--out",
                str(workdir / f"suggestions-{name}.jsonl"),
            ],
            check=True,
        )
    print(json.dumps({"workdir": str(workdir)}))


if __name__ == "__main__":
    main()
