"""Reader pages through Varnish (the repository's VCL) against nginx serving a static copy
of the same HTML, and the time from an editor's save to the change being visible.

    python bench/varnish.py [--articles 100000] [--duration 10] [--connections 16]
                            [--edits 200] [--keep-db]

Runs gunicorn (2 workers, production settings, Redis, NEWSROOM_PURGE pointing at the
Varnish), Varnish with deploy/varnish/newsroom.vcl in front of it, and nginx serving the
homepage's and an article's HTML as files, all on loopback; wrk (keep-alive) drives each
for DURATION seconds. Then EDITS times: an article's headline is saved through the ORM
(the purge follows the commit) and the article is read through Varnish until the new
headline shows; the delays' median and 99th percentile are reported, from the save and
from the purge request. Needs varnish and
varnish-modules (vmod xkey), nginx and wrk (Debian packages), PostgreSQL and Redis. The
database is bench/pages.py's.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
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
VARNISH_PORT = 8781
NGINX_PORT = 8782
VARNISH = f"http://127.0.0.1:{VARNISH_PORT}"
NGINX = f"http://127.0.0.1:{NGINX_PORT}"

NGINX_CONF = """
worker_processes 1;
daemon off;
error_log %(dir)s/error.log;
pid %(dir)s/nginx.pid;
events { worker_connections 1024; }
http {
    access_log off;
    keepalive_requests 100000;
    client_body_temp_path %(dir)s/body;
    proxy_temp_path %(dir)s/proxy;
    fastcgi_temp_path %(dir)s/fastcgi;
    uwsgi_temp_path %(dir)s/uwsgi;
    scgi_temp_path %(dir)s/scgi;
    server {
        listen 127.0.0.1:%(port)d;
        root %(dir)s/html;
        default_type text/html;
        location / { try_files $uri $uri/index.html =404; }
    }
}
"""

EDITOR = r"""
import sys, time, urllib.request, django
django.setup()
from articles.models import Article
from articles.purges import article_key
from pagecache import purge
url, count = sys.argv[1], int(sys.argv[2])
article = Article.objects.published().order_by("-published_at")[5]
path = article.get_absolute_url()
title, after_purge = "", []
send = purge.send

def visible() -> float:
    while title.encode() not in urllib.request.urlopen(url + path).read():
        pass
    return time.perf_counter()

def timed_send(target, keys):
    # The purge that names the article: from its request to the first read that shows the
    # new headline, read at once (the rest of the save waits meanwhile).
    started = time.perf_counter()
    send(target, keys)
    if article_key(article.pk) in keys:
        after_purge.append((visible() - started) * 1000)

purge.send = timed_send
for n in range(count):
    urllib.request.urlopen(url + path).read()  # in Varnish before the edit
    title = f"Titre modifié numéro {n} du banc"
    article.title = title
    after_purge.clear()
    started = time.perf_counter()
    article.save()  # the purges follow the commit
    seen = visible()
    print(f"{(seen - started) * 1000:.2f} {after_purge[0]:.2f}")
"""


def start(command: list[str], **kwargs) -> subprocess.Popen:
    return subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        **kwargs,
    )


def wait_for(url: str) -> None:
    for _ in range(150):
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"{url} did not answer")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--edits", type=int, default=200)
    parser.add_argument("--keep-db", action="store_true")
    parser.add_argument("--out", type=Path, default=BENCH / "varnish-latest.md")
    args = parser.parse_args()
    for tool in ("wrk", "nginx", "varnishd"):
        if not shutil.which(tool) and not Path(f"/usr/sbin/{tool}").exists():
            raise SystemExit(f"{tool} is needed: apt-get install wrk nginx-light varnish")
    print("Preparing the database…")
    pages.prepare_database(args.articles, args.keep_db)
    pages.manage("collectstatic", "--noinput", "-v", "0")
    subprocess.run(["redis-cli", "-n", "14", "FLUSHDB"], check=True, capture_output=True)
    scratch = Path(tempfile.mkdtemp(prefix="newsroom-varnish-bench-"))
    # mkdtemp makes it 0700: nginx started as root serves through workers running as
    # nobody, which would answer 403 for every file in it.
    scratch.chmod(0o755)
    purge_env = {"NEWSROOM_PURGE": VARNISH, "NEWSROOM_PAGE_CACHE_SECONDS": "300"}
    processes = []
    try:
        processes.append(
            start(
                [str(Path(sys.executable).parent / "gunicorn"), "newsroom.wsgi"]
                + ["-c", "gunicorn.conf.py"],
                cwd=ROOT,
                env=pages.env(**purge_env),
            )
        )
        wait_for(pages.BASE + "/")
        vcl = scratch / "newsroom.vcl"
        vcl.write_text(
            (ROOT / "deploy" / "varnish" / "newsroom.vcl")
            .read_text()
            .replace('.port = "8000";', f'.port = "{pages.PORT}";')
        )
        varnishd = shutil.which("varnishd") or "/usr/sbin/varnishd"
        processes.append(
            start(
                [varnishd, "-F", "-j", "none", "-a", f"127.0.0.1:{VARNISH_PORT}"]
                + ["-T", "127.0.0.1:0", "-f", str(vcl), "-n", str(scratch / "varnish")]
                + ["-s", "malloc,256m"]
            )
        )
        wait_for(VARNISH + "/")
        picked = pages.pick_pages()
        targets = {"homepage": "/", "article": picked["article (3 comments)"]}
        html = scratch / "html"
        for path in targets.values():
            copy = html / path.lstrip("/")
            copy.mkdir(parents=True, exist_ok=True)
            (copy / "index.html").write_bytes(urllib.request.urlopen(pages.BASE + path).read())
        (scratch / "nginx.conf").write_text(NGINX_CONF % {"dir": scratch, "port": NGINX_PORT})
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        processes.append(start([nginx, "-c", str(scratch / "nginx.conf"), "-p", str(scratch)]))
        wait_for(NGINX + "/")
        rows = []
        for name, path in targets.items():
            urllib.request.urlopen(VARNISH + path).read()  # in the cache
            results = {}
            for server, base in (("nginx (static copy)", NGINX), ("Varnish", VARNISH)):
                pages.BASE, saved = base, pages.BASE
                try:
                    results[server] = pages.run_wrk(path, args.duration, args.connections)
                finally:
                    pages.BASE = saved
                print(f"    {name:<9} {server:<20} {results[server]['rps']:>9.0f} req/s")
            ratio = results["Varnish"]["rps"] / results["nginx (static copy)"]["rps"]
            for server, s in results.items():
                rows.append(
                    f"| {name} | {server} | {s['rps']:.0f} | "
                    f"{s['rps'] / results['nginx (static copy)']['rps']:.2f} | "
                    f"{s['p50']:.2f} | {s['p99']:.2f} | {s['errors']} |"
                )
            print(f"    {name}: Varnish at {ratio:.2f} × nginx")
        out = subprocess.run(
            [sys.executable, "-c", EDITOR, VARNISH, str(args.edits)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
            env=pages.env(DJANGO_SETTINGS_MODULE="newsroom.settings", **purge_env),
        ).stdout
        rows_out = [line.split() for line in out.splitlines() if line.strip()]
        delays = sorted(float(save) for save, _purge in rows_out)
        after_purge = sorted(float(purged) for _save, purged in rows_out)
        p99 = delays[min(len(delays) - 1, int(len(delays) * 0.99))]
        purge_p99 = after_purge[min(len(after_purge) - 1, int(len(after_purge) * 0.99))]
    finally:
        for process in reversed(processes):
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)
        shutil.rmtree(scratch, ignore_errors=True)
    text = "\n".join(
        [
            f"Through Varnish: {args.articles:,} articles, gunicorn 2 workers behind Varnish "
            f"(deploy/varnish/newsroom.vcl), nginx serving a static copy of the same HTML, wrk 2 "
            f"threads × {args.connections} keep-alive connections × {args.duration} s, on "
            f"loopback ({os.cpu_count()} cores shared by everything).",
            "",
            "| page | server | req/s | × nginx | p50 ms | p99 ms | errors |",
            "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
            *rows,
            "",
            f"Save to visible through Varnish, {len(delays)} headline edits: median "
            f"{statistics.median(delays):.1f} ms, p99 {p99:.1f} ms, worst {delays[-1]:.1f} ms "
            "(the save itself included: its transaction, the related articles' refresh and "
            "the purges run before save() returns).",
            "",
            f"Purge to visible (from the purge request naming the article to the first read "
            f"through Varnish showing the new headline, rendered again by Django): median "
            f"{statistics.median(after_purge):.1f} ms, p99 {purge_p99:.1f} ms, worst "
            f"{after_purge[-1]:.1f} ms.",
        ]
    )
    print("\n" + text)
    args.out.write_text(text + "\n")


if __name__ == "__main__":
    main()
