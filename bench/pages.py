"""Reader pages under load, against the framework's floor, on PostgreSQL + Redis + gunicorn.

    python bench/pages.py [--articles 100000] [--duration 10] [--connections 16] [--keep-db]
                          [--code-dir PATH]

Builds a database of ARTICLES articles (tags, authors, threaded comments), runs the site
under gunicorn with 2 workers (production settings, Redis cache), drives each page with
wrk on loopback for DURATION seconds, cold (page cache off) and warm, and reports
requests/s, median and 99th-percentile latency, server CPU per request, SQL queries and
response size — each as a ratio to a minimal view through the same middleware stack
served by the same gunicorn (the floor), measured in the same run. Needs wrk
(`apt-get install wrk`), PostgreSQL at 127.0.0.1:5432 and Redis at 127.0.0.1:6379.

`--code-dir` measures misses (page cache off) of the same pages in another checkout of
Newsroom too (a git worktree of an earlier commit), on the same database, one server after
the other, and reports each page's CPU per request and queries as a ratio to it. Each
size of corpus has its own database (newsroom_bench for 100,000 articles,
newsroom_bench_1000 for 1,000), kept between runs with `--keep-db`.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DB_NAME = "newsroom_bench"
PORT = 8765
BASE = f"http://127.0.0.1:{PORT}"
ENV = {
    "DJANGO_ENV": "production",
    "DJANGO_SECRET_KEY": "bench-" + "k" * 60 + "-not-a-real-secret-but-long-enough",
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
    "DJANGO_SECURE_SSL_REDIRECT": "0",
    "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DB_NAME}",
    "REDIS_URL": "redis://127.0.0.1:6379/14",
    # The site plus the floor's address (bench/settings.py); production settings otherwise.
    "DJANGO_SETTINGS_MODULE": "bench.settings",
    "DJANGO_STATIC_ROOT": "/tmp/newsroom-bench-static",
    "GUNICORN_ACCESS_LOG": "",
    "GUNICORN_BIND": f"127.0.0.1:{PORT}",
    "GUNICORN_WORKERS": "2",
    "GUNICORN_MAX_REQUESTS": "0",  # no recycling: CPU is read from the same two workers
}
WORDS = [
    "gouvernement",
    "accord",
    "sommet",
    "réforme",
    "budget",
    "énergie",
    "climat",
    "élection",
    "ministre",
    "réseau",
    "ville",
    "région",
    "marché",
    "emploi",
    "inflation",
    "santé",
    "hôpital",
    "école",
    "université",
    "recherche",
    "transport",
    "rail",
    "tramway",
    "port",
    "agriculture",
    "récolte",
    "prix",
    "salaire",
    "entreprise",
    "usine",
    "négociation",
    "diplomatie",
    "frontière",
    "cessez-le-feu",
    "parlement",
    "vote",
    "loi",
    "tribunal",
    "justice",
    "festival",
    "musée",
    "cinéma",
    "roman",
    "concert",
    "match",
    "équipe",
    "saison",
    "victoire",
    "défaite",
    "record",
    "données",
    "logiciel",
    "intelligence",
    "sécurité",
    "cyberattaque",
    "satellite",
    "océan",
    "forêt",
    "sécheresse",
]


def sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def use_database(articles: int) -> None:
    """Each corpus size in its own database, so that a small run keeps the big one."""
    global DB_NAME
    DB_NAME = "newsroom_bench" if articles == 100_000 else f"newsroom_bench_{articles}"
    ENV["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"


def prepare_database(articles: int, keep: bool) -> None:
    import psycopg

    use_database(articles)

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME]).fetchone()
        if exists and keep:
            return
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB_NAME}"')
    manage("migrate", "--noinput", "-v", "0")
    started = time.perf_counter()
    subprocess.run([sys.executable, __file__, "--generate", str(articles)], env=env(), check=True)
    with psycopg.connect(ENV["DATABASE_URL"], autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")  # planner statistics, as autovacuum would have them
    print(f"  generated {articles:,} articles in {time.perf_counter() - started:.0f} s")


def env(**extra) -> dict:
    return {**os.environ, **ENV, **extra}


def manage(*args: str, **extra) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env(**extra), check=True)


def generate(count: int) -> None:
    """Runs inside Django (bench env): bulk-creates the corpus."""
    import django

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    django.setup()
    from django.utils import timezone

    from articles.models import (
        Article,
        ArticleAuthor,
        Author,
        Section,
        Tag,
        TaggedArticle,
    )
    from comments.models import Comment
    from pictures.models import Picture
    from related.models import RelatedSuggestion

    rng = random.Random(20261125)
    now = timezone.now()
    sections = Section.objects.bulk_create(
        Section(name=f"Rubrique {n}", slug=f"rubrique-{n}", position=n) for n in range(8)
    )
    authors = Author.objects.bulk_create(
        Author(name=f"Auteur {n}", slug=f"auteur-{n}") for n in range(200)
    )
    tags = Tag.objects.bulk_create(Tag(name=f"Sujet {n}", slug=f"sujet-{n}") for n in range(2000))
    batch = 5000
    for start in range(0, count, batch):
        rows, pictures = [], []
        for n in range(start, min(count, start + batch)):
            body = "".join(
                f"<p>{sentence(rng, 40)}</p>" + (f"<h2>{sentence(rng, 5)}</h2>" if k == 1 else "")
                for k in range(5)
            )
            # Three stories in four have a lead picture with its renditions and card crops
            # (files are not read by the pages, only their addresses printed).
            picture = {}
            if n % 4:
                folder = f"renditions/{n:06x}"
                pictures.append(
                    Picture(
                        file=f"pictures/2026/11/photo-{n}.jpg",
                        width=1600,
                        height=1067,
                        alt=sentence(rng, 6),
                        credit="Photo : Rédaction",
                        renditions=[
                            {
                                "width": w,
                                "height": round(w * 1067 / 1600),
                                "webp": f"{folder}/photo-{w}.webp",
                                "fallback": f"{folder}/photo-{w}.jpg",
                            }
                            for w in (480, 800, 1200, 1600)
                        ],
                        crops={
                            "card": [
                                {
                                    "width": w,
                                    "height": round(w * 9 / 16),
                                    "webp": f"{folder}/photo-card-{w}.webp",
                                    "fallback": f"{folder}/photo-card-{w}.jpg",
                                }
                                for w in (480, 800, 1200)
                            ],
                            "social": {
                                "width": 1200,
                                "height": 630,
                                "file": f"{folder}/photo-social.jpg",
                            },
                        },
                    )
                )
                picture = {"lead_picture": pictures[-1]}
            rows.append(
                Article(
                    **picture,
                    title=sentence(rng, 9)[:240],
                    slug=f"article-{n}",
                    standfirst=sentence(rng, 25),
                    body=body,
                    body_html=body,
                    section=sections[n % 8],
                    status="published",
                    published_at=now - timedelta(minutes=5 * (count - n)),
                    reading_time=2,
                )
            )
        Picture.objects.bulk_create(pictures)
        pictures.clear()
        created = Article.objects.bulk_create(rows)
        ArticleAuthor.objects.bulk_create(
            ArticleAuthor(article=a, author=authors[rng.randrange(200)]) for a in created
        )
        TaggedArticle.objects.bulk_create(
            TaggedArticle(content_object=a, tag=tag) for a in created for tag in rng.sample(tags, 3)
        )
    # Five related suggestions per article, as `rebuild_related` leaves them (its own
    # benchmark measures computing them; here only showing them counts).
    ids = list(Article.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), batch):
        RelatedSuggestion.objects.bulk_create(
            RelatedSuggestion(article_id=pk, related_id=other, rank=rank, score=1.0 / (rank + 1))
            for pk in ids[start : start + batch]
            for rank, other in enumerate([i for i in rng.sample(ids, 6) if i != pk][:5])
        )
    # A few comments on a thousand recent stories (top-level: bulk is fine without replies);
    # in a small corpus on half of them, so that some story has none.
    Comment.objects.bulk_create(
        Comment(
            article_id=pk,
            name=f"Lectrice {k}",
            email=f"c{pk}-{k}@example.org",
            text=sentence(rng, 30),
            text_html=f"<p>{sentence(rng, 30)}</p>",
            status="approved",
        )
        for pk in ids[-min(1001, len(ids) // 2) : -1]
        for k in range(3)
    )
    # The viral story: 500 approved comments in threads.
    viral = Article.objects.order_by("-published_at").first()
    parents: list[Comment] = []
    for n in range(500):
        parent = rng.choice(parents) if parents and n % 3 else None
        comment = Comment.objects.create(
            article=viral,
            parent=parent,
            name=f"Lecteur {n}",
            email=f"l{n}@example.org",
            text=sentence(rng, 30),
            status="approved",
        )
        if parent is None:
            parents.append(comment)


def start_server(cache_seconds: int, code_dir: Path = ROOT) -> subprocess.Popen:
    """gunicorn on this checkout (bench settings: the floor's address), or on another one
    with its own production settings (it may predate bench/settings.py)."""
    extra = {} if code_dir == ROOT else {"DJANGO_SETTINGS_MODULE": "newsroom.settings"}
    server = subprocess.Popen(
        [
            shutil.which("gunicorn") or str(Path(sys.executable).parent / "gunicorn"),
            "newsroom.wsgi",
            "-c",
            "gunicorn.conf.py",
        ],
        cwd=code_dir,
        env=env(NEWSROOM_PAGE_CACHE_SECONDS=str(cache_seconds), **extra),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    ready = "/_bench/floor/" if code_dir == ROOT else "/"
    for _ in range(150):
        try:
            urllib.request.urlopen(BASE + ready, timeout=2).read()
            return server
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"gunicorn did not start in {code_dir}")


def worker_pids(server: subprocess.Popen) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True, text=True)
    return [int(pid) for pid in out.stdout.split()]


def cpu_seconds(pids: list[int]) -> float:
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime + stime
    return total / ticks


def run_wrk(path: str | list[str], duration: int, connections: int) -> dict:
    """wrk on one address, or in turn on each of a list (a Lua script gives the paths)."""
    command = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency"]
    if isinstance(path, list):
        script = Path("/tmp/newsroom-bench-paths.lua")
        script.write_text(
            "local paths = {" + ",".join(json.dumps(p) for p in path) + "}\n"
            "local i = math.random(#paths)\n"
            "request = function()\n"
            "  i = i % #paths + 1\n"
            '  return wrk.format("GET", paths[i])\n'
            "end\n"
        )
        command += ["-s", str(script), BASE + "/"]
    else:
        command.append(BASE + path)
    out = subprocess.run(
        command, capture_output=True, text=True, check=True, timeout=duration + 30
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)

    def pct(label: str) -> float:
        value, unit = re.search(rf"{label}%\s+([\d.]+)(us|ms|s)", out).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    return {
        "rps": rps,
        "p50": pct("50"),
        "p99": pct("99"),
        "requests": requests,
        "errors": int(non_2xx.group(1)) if non_2xx else 0,
    }


FLOOR = "floor (minimal view)"
FLOOR_AGAIN = "floor (again, after the pages)"


def measure(server, pages: dict[str, str | list[str]], duration: int, connections: int) -> dict:
    pids = worker_pids(server)
    results = {}
    again = {FLOOR_AGAIN: pages[FLOOR]} if FLOOR in pages else {}
    for name, path in {**pages, **again}.items():
        for one in path if isinstance(path, list) else [path]:
            body = urllib.request.urlopen(BASE + one).read()  # warms the page cache if on
        before = cpu_seconds(pids)
        stats = run_wrk(path, duration, connections)
        stats["cpu_ms"] = (cpu_seconds(pids) - before) * 1000 / max(1, stats["requests"])
        stats["bytes"] = len(body)
        results[name] = stats
        print(
            f"    {name:<22} {stats['rps']:>8.0f} req/s  p50 {stats['p50']:6.2f} ms  "
            f"p99 {stats['p99']:6.2f} ms  cpu {stats['cpu_ms']:5.2f} ms/req"
        )
    return results


def in_django(code: str, *args: str, code_dir: Path = ROOT, **extra_env: str) -> str:
    """Run a Python snippet in the project with the bench settings; its last printed line."""
    result = subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=code_dir,
        capture_output=True,
        text=True,
        env=env(DJANGO_SETTINGS_MODULE="newsroom.settings", **extra_env),
    )
    if result.returncode:
        raise SystemExit(result.stderr)
    return result.stdout.strip().splitlines()[-1]


def count_queries(pages: dict[str, str], code_dir: Path = ROOT) -> dict[str, int]:
    """SQL queries per page with the page cache off, through Django's test client, each
    page's second request (the first after a purge also reads the section navigation)."""
    code = (
        "import django, json, sys\n"
        "django.setup()\n"
        "from django.db import connection\n"
        "from django.test import Client\n"
        "from django.test.utils import CaptureQueriesContext\n"
        "out = {}\n"
        "for name, path in json.loads(sys.argv[1]).items():\n"
        # Once before counting: values kept until a purge (the section navigation) are
        # read by the first page after it only.
        "    Client(HTTP_HOST='127.0.0.1').get(path, secure=True)\n"
        "    with CaptureQueriesContext(connection) as ctx:\n"
        "        Client(HTTP_HOST='127.0.0.1').get(path, secure=True)\n"
        "    out[name] = len(ctx.captured_queries)\n"
        "print(json.dumps(out))\n"
    )
    return json.loads(
        in_django(code, json.dumps(pages), code_dir=code_dir, NEWSROOM_PAGE_CACHE_SECONDS="0")
    )


def freshness_check() -> str:
    """With the cache warm, publish a story and read the homepage on the very next request."""
    code = (
        "import django, urllib.request\n"
        "django.setup()\n"
        "from articles.models import Article, Section\n"
        f"urllib.request.urlopen('{BASE}/').read()\n"
        "a = Article.objects.create(title='Dernière minute : le banc d’essai publie', "
        "section=Section.objects.first(), status='published')\n"
        f"html = urllib.request.urlopen('{BASE}/').read().decode()\n"
        "print('visible' if 'Dernière minute : le banc d’essai publie' in html else 'STALE')\n"
        "a.delete()\n"
    )
    return in_django(code)


LONG_TAIL_SIZE = 2000
LONG_TAIL = f"articles ({LONG_TAIL_SIZE:,} in turn)"


def pick_pages() -> dict[str, str | list[str]]:
    code = (
        "import django, json\n"
        "django.setup()\n"
        "from django.db.models import Count\n"
        "from articles.models import Article, Author, Section, Tag\n"
        "viral = Article.objects.annotate(n=Count('comments')).order_by('-n').first()\n"
        "quiet = Article.objects.annotate(n=Count('comments')).filter(n=0).order_by('-pk').first()\n"
        "few = Article.objects.annotate(n=Count('comments')).filter(n=3).order_by('-pk').first()\n"
        "print(json.dumps({\n"
        "  'homepage': '/', 'article (500 comments)': viral.get_absolute_url(),\n"
        "  'article (0 comments)': quiet.get_absolute_url(),\n"
        "  'article (3 comments)': few.get_absolute_url(),\n"
        "  'section': Section.objects.first().get_absolute_url(),\n"
        "  'tag': Tag.objects.first().get_absolute_url(),\n"
        "  'author': Author.objects.first().get_absolute_url(),\n"
        # The long tail: each request a different article, as most of a site's reads are.
        f"  '{LONG_TAIL}': [a.get_absolute_url() for a in Article.objects.published()"
        f".only('slug', 'published_at', 'created_at').order_by('?')[:{LONG_TAIL_SIZE}]]}}))\n"
    )
    return json.loads(in_django(code))


def report(cold: dict, warm: dict, queries: dict, fresh: str, args) -> str:
    lines = [
        f"Pages under load: {args.articles:,} articles, gunicorn 2 workers, PostgreSQL, Redis, "
        f"wrk 2 threads × {args.connections} connections × {args.duration} s per page, on "
        f"loopback ({os.cpu_count()} cores shared by server, database and load generator).",
        "",
        "Each ratio divides by the floor of the same server run, measured before and after "
        "its pages (mean of the two; both shown).",
        "",
        "| page | cache | req/s | × floor | p50 ms | p99 ms | CPU ms/req | queries | bytes |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for label, results in (("warm", warm), ("off", cold)):
        floor = {"rps": (results[FLOOR]["rps"] + results[FLOOR_AGAIN]["rps"]) / 2}
        for name, s in results.items():
            lines.append(
                f"| {name} | {label} | {s['rps']:.0f} | {s['rps'] / floor['rps']:.2f} | "
                f"{s['p50']:.2f} | {s['p99']:.2f} | {s['cpu_ms']:.2f} | "
                f"{queries.get(name, '–')} | {s['bytes']:,} |"
            )
    lines += ["", f"Publish with the cache warm, homepage on the next request: **{fresh}**."]
    return "\n".join(lines)


def compare(ours: dict, queries: dict, theirs: dict, their_queries: dict, other: Path) -> str:
    """Misses (page cache off) of this checkout beside another one, same database and load."""
    lines = [
        f"Misses beside {other} (page cache off, same database, same load, one server after "
        "the other):",
        "",
        "| page | CPU ms/req | there | × there | queries | there | req/s | there |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, them in theirs.items():
        if name not in ours or name.startswith("static"):
            continue
        us = ours[name]
        lines.append(
            f"| {name} | {us['cpu_ms']:.2f} | {them['cpu_ms']:.2f} | "
            f"{us['cpu_ms'] / them['cpu_ms']:.2f} | {queries.get(name, '–')} | "
            f"{their_queries.get(name, '–')} | {us['rps']:.0f} | {them['rps']:.0f} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--keep-db", action="store_true", help="reuse an existing bench database")
    parser.add_argument(
        "--code-dir", type=Path, help="another checkout whose misses to measure beside this one"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "pages-latest.md")
    parser.add_argument("--generate", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.generate:
        generate(args.generate)
        return
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk")
    if not (Path(sys.executable).parent / "gunicorn").exists():
        raise SystemExit('gunicorn is needed: pip install -e ".[production]"')
    print("Preparing the database…")
    prepare_database(args.articles, args.keep_db)
    manage("collectstatic", "--noinput", "-v", "0")
    subprocess.run(["redis-cli", "-n", "14", "FLUSHDB"], check=True, capture_output=True)
    pages = {
        FLOOR: "/_bench/floor/",
        "static file": "/static/css/site.css",
        **pick_pages(),
    }
    queries = count_queries(
        {
            name: path[0] if isinstance(path, list) else path
            for name, path in pages.items()
            if not name.startswith(("floor", "static"))
        }
    )
    results = {}
    for label, seconds in (("off", 0), ("warm", 300)):
        print(f"  page cache {label}:")
        server = start_server(seconds)
        try:
            results[label] = measure(server, pages, args.duration, args.connections)
            fresh = freshness_check() if seconds else None
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        if fresh:
            results["fresh"] = fresh
    text = report(results["off"], results["warm"], queries, results["fresh"], args)
    if args.code_dir:
        other = args.code_dir.resolve()
        print(f"  page cache off, {other}:")
        paths = {name: path for name, path in pages.items() if name != FLOOR}
        server = start_server(0, other)
        try:
            theirs = measure(server, paths, args.duration, args.connections)
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        their_queries = count_queries(
            {n: p[0] if isinstance(p, list) else p for n, p in paths.items() if n != "static file"},
            code_dir=other,
        )
        text += "\n\n" + compare(results["off"], queries, theirs, their_queries, other)
    print("\n" + text)
    args.out.write_text(text + "\n")


if __name__ == "__main__":
    main()
