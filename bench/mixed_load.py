"""A newsroom's mixed load: readers on every visible article while readers comment and the
desk approves comments and publishes, on PostgreSQL + Redis + gunicorn.

    python bench/mixed_load.py [--articles 100000] [--duration 60] [--connections 16]
                               [--keep-db] [--code-dir PATH] [--out FILE] [--prewarm]

Readers (wrk, 2 threads × CONNECTIONS): 20 % homepage, 80 % articles chosen by a Zipf law
(s = 1) on recency over every visible article (the newest is read most, the long tail
still is). Three runs on the same warm server, each DURATION seconds (the last twice as
long, so that it holds two publications):

  (a) readers only;
  (b) plus a reader's comment every 2 s (waiting for moderation: pre-moderation);
  (c) plus one comment approved every 5 s and one article published or edited every 60 s.

Reports requests/s of each run as a ratio to (a), and the page cache's hit ratio (the
`X-Page-Cache` header) of each. `--prewarm` first reads every page once, so the runs
start from the cache a site holds after hours of service (old articles' pages live
NEWSROOM_ARCHIVE_PAGE_SECONDS). `--code-dir` runs another checkout of Newsroom (a git
worktree of an earlier commit) with the same database and load, for a before/after in
the same session. The database is bench/pages.py's (same generator, same name).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import pages  # noqa: E402 - the page benchmark's database, server and wrk helpers

ROOT = BENCH.parent
RUNS = {
    "a": "readers only",
    "b": "+ a pending comment every 2 s",
    "c": "+ a comment approved every 5 s, an article published or edited every 60 s",
}

WRK_SCRIPT = r"""
local paths = {}
for line in io.lines("%(paths)s") do paths[#paths + 1] = line end
local cdf, total = {}, 0
for i = 1, #paths do total = total + 1 / i; cdf[i] = total end
local function pick()
  local x = math.random() * total
  local lo, hi = 1, #paths
  while lo < hi do
    local mid = math.floor((lo + hi) / 2)
    if cdf[mid] < x then lo = mid + 1 else hi = mid end
  end
  return paths[lo]
end
local threads, counter = {}, 0
function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end
function init(args)
  hits, misses, other = 0, 0, 0
  math.randomseed(os.time() * 100 + id)
end
function request()
  if math.random() < 0.2 then return wrk.format("GET", "/") end
  return wrk.format("GET", pick())
end
function response(status, headers, body)
  local state = headers["X-Page-Cache"]
  if state == "hit" then hits = hits + 1
  elseif state == "miss" then misses = misses + 1
  else other = other + 1 end
end
function done(summary, latency, requests)
  local h, m, o = 0, 0, 0
  for _, t in ipairs(threads) do h = h + t:get("hits"); m = m + t:get("misses"); o = o + t:get("other") end
  io.write(string.format("PAGECACHE hits=%%d misses=%%d other=%%d\n", h, m, o))
end
"""

WRITER = r"""
import os, random, sys, time, uuid
import django
django.setup()
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone
from articles.models import Article, Section
from comments import services
from comments.models import Comment

mode, seconds = sys.argv[1], float(sys.argv[2])
rng = random.Random(7)
recent = list(Article.objects.published().order_by("-published_at").values_list("pk", flat=True)[:5000])
weights = [1 / (rank + 1) for rank in range(len(recent))]
editor, _ = get_user_model().objects.get_or_create(username="bench-editor", defaults={"is_staff": True, "is_superuser": True})
counts = {"comments": 0, "approved": 0, "published": 0, "edited": 0}
start = time.monotonic()
next_comment = next_approval = start
next_article = start + 5


def comment(approve=False):
    for _ in range(20):
        article = Article.objects.get(pk=rng.choices(recent, weights)[0])
        try:
            made = services.submit_comment(
                article=article, name="Lectrice du banc", email=f"banc-{uuid.uuid4().hex}@example.org",
                text=f"Un avis du banc d'essai, numéro {uuid.uuid4().hex}.", token=uuid.uuid4(),
            )
        except ValidationError:
            continue  # comments closed on that one
        if approve:
            services.approve_comment(made, moderator=editor)
        return made
    return None


while time.monotonic() - start < seconds:
    now = time.monotonic()
    if now >= next_comment:
        comment()
        counts["comments"] += 1
        next_comment += 2
    if mode == "c" and now >= next_approval:
        comment(approve=True)
        counts["approved"] += 1
        next_approval += 5
    if mode == "c" and now >= next_article:
        if counts["published"] <= counts["edited"]:
            Article.objects.create(
                title=f"Dernière minute du banc d'essai {counts['published'] + 1}",
                standfirst="Un article publié pendant la mesure.",
                body="<p>Le banc d'essai publie un article.</p>",
                section=Section.objects.first(), status="published",
            )
            counts["published"] += 1
        else:
            article = Article.objects.get(pk=recent[rng.randrange(50)])
            article.standfirst = article.standfirst + " Mise à jour."
            article.save()
            counts["edited"] += 1
        next_article += 60
    time.sleep(0.05)
print(counts)
"""


def article_paths(code_dir: Path) -> Path:
    code = (
        "import django\n"
        "django.setup()\n"
        "from articles.models import Article\n"
        "rows = Article.objects.published().order_by('-published_at')"
        ".only('slug', 'published_at', 'created_at')\n"
        "print('\\n'.join(a.get_absolute_url() for a in rows.iterator(chunk_size=5000)))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=code_dir,
        capture_output=True,
        text=True,
        check=True,
        env=pages.env(DJANGO_SETTINGS_MODULE="newsroom.settings"),
    ).stdout
    path = Path(tempfile.gettempdir()) / "newsroom-mixed-paths.txt"
    path.write_text(out.strip() + "\n")
    return path


def start_server(code_dir: Path) -> subprocess.Popen:
    server = subprocess.Popen(
        [shutil.which("gunicorn") or str(Path(sys.executable).parent / "gunicorn"), "newsroom.wsgi"]
        + ["-c", "gunicorn.conf.py"],
        cwd=code_dir,
        env=pages.env(NEWSROOM_PAGE_CACHE_SECONDS="300"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    for _ in range(150):
        try:
            urllib.request.urlopen(pages.BASE + "/", timeout=2).read()
            return server
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not start")


def readers(script: Path, duration: int, connections: int) -> dict:
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", "-s", str(script)]
        + [pages.BASE + "/"],
        capture_output=True,
        text=True,
        check=True,
        timeout=duration + 60,
    ).stdout
    hits, misses, other = (
        int(n) for n in re.search(r"hits=(\d+) misses=(\d+) other=(\d+)", out).groups()
    )
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": _ms(out, "50"),
        "p99": _ms(out, "99"),
        "hit_ratio": hits / max(1, hits + misses + other),
        "requests": hits + misses + other,
        "errors": int(m.group(1))
        if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", out))
        else 0,
    }


def _ms(out: str, label: str) -> float:
    value, unit = re.search(rf"{label}%\s+([\d.]+)(us|ms|s)", out).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


def crawl(paths: Path, connections: int) -> dict:
    """Read every page once, as a site that has served for hours holds them: the
    steady state the hit ratio target speaks of, reached without hours of warm-up."""
    from concurrent.futures import ThreadPoolExecutor

    def fetch(path: str) -> str:
        with urllib.request.urlopen(pages.BASE + path, timeout=30) as answer:
            answer.read()
            return answer.headers.get("X-Page-Cache", "")

    started = time.monotonic()
    with ThreadPoolExecutor(connections) as pool:
        seen = list(pool.map(fetch, ["/", *paths.read_text().split()], chunksize=64))
    return {"pages": len(seen), "seconds": round(time.monotonic() - started)}


def run(code_dir: Path, args) -> dict:
    subprocess.run(["redis-cli", "-n", "14", "FLUSHDB"], check=True, capture_output=True)
    script = Path(tempfile.gettempdir()) / "newsroom-mixed.lua"
    paths = article_paths(code_dir)
    script.write_text(WRK_SCRIPT % {"paths": paths})
    server = start_server(code_dir)
    results = {}
    try:
        if args.prewarm:
            print("    reading every page once…")
            print(f"    {crawl(paths, args.connections)}")
        print("    warming up…")
        readers(script, args.duration, args.connections)
        for name in RUNS:
            seconds = args.duration * (2 if name == "c" else 1)
            writer = None
            if name != "a":
                writer = subprocess.Popen(
                    [sys.executable, "-c", WRITER, name, str(seconds)],
                    cwd=code_dir,
                    env=pages.env(DJANGO_SETTINGS_MODULE="newsroom.settings"),
                    stdout=subprocess.PIPE,
                    text=True,
                )
            stats = readers(script, seconds, args.connections)
            if writer is not None:
                stats["writes"] = writer.communicate(timeout=120)[0].strip()
            results[name] = stats
            print(
                f"    ({name}) {stats['rps']:8.0f} req/s  p50 {stats['p50']:6.2f} ms  "
                f"p99 {stats['p99']:7.2f} ms  hit ratio {stats['hit_ratio']:.3f}  "
                f"{stats.get('writes', '')}"
            )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    return results


def report(all_results: dict[str, dict], args) -> str:
    lines = [
        f"Mixed newsroom load: {args.articles:,} articles, gunicorn 2 workers, PostgreSQL, "
        f"Redis, wrk 2 threads × {args.connections} connections, {args.duration} s per run "
        f"({2 * args.duration} s for c), Zipf (s = 1) by recency plus 20 % homepage, on "
        f"loopback ({os.cpu_count()} cores shared by everything).",
        "",
        "| code | run | req/s | × (a) | p50 ms | p99 ms | page-cache hit ratio | writes |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for code, results in all_results.items():
        base = results["a"]["rps"]
        for name, s in results.items():
            lines.append(
                f"| {code} | ({name}) {RUNS[name]} | {s['rps']:.0f} | {s['rps'] / base:.2f} | "
                f"{s['p50']:.2f} | {s['p99']:.2f} | {s['hit_ratio']:.3f} | {s.get('writes', '–')} |"
            )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--duration", type=int, default=60)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--keep-db", action="store_true", help="reuse an existing bench database")
    parser.add_argument(
        "--code-dir", type=Path, action="append", help="another checkout to measure too"
    )
    parser.add_argument("--out", type=Path, default=BENCH / "mixed-latest.md")
    parser.add_argument(
        "--prewarm",
        action="store_true",
        help="read every page once before the runs (the steady state of a long-running site)",
    )
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk")
    print("Preparing the database…")
    pages.prepare_database(args.articles, args.keep_db)
    all_results = {}
    for code_dir in [ROOT, *(args.code_dir or [])]:
        label = "this checkout" if code_dir == ROOT else str(code_dir)
        print(f"  {label}:")
        pages.manage("collectstatic", "--noinput", "-v", "0")
        all_results[label] = run(code_dir.resolve(), args)
    text = report(all_results, args)
    print("\n" + text)
    args.out.write_text(text + "\n")


if __name__ == "__main__":
    main()
