"""Lighthouse scores of the reader pages, mobile and desktop, against Debian's Chromium.

    python bench/lighthouse.py [--port 8766] [--output bench/lighthouse.md]

Builds the demo newsroom in a fresh temporary SQLite database (migrate + load_demo, two
approved comments on one article), serves it under gunicorn with production settings
(DEBUG off, hashed and compressed static files), installs the npm package `lighthouse`
in /tmp/newsroom-lighthouse when it is missing, audits the homepage, an article with
comments and a section page in both modes and writes the scores and the failing audits
to bench/lighthouse.md. Needs node/npm and `chromium` (NEWSROOM_CHROMIUM overrides).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NPM_PREFIX = Path("/tmp/newsroom-lighthouse")
LIGHTHOUSE = NPM_PREFIX / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = os.environ.get("NEWSROOM_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROME_FLAGS = (
    "--headless --no-sandbox --disable-gpu --disable-background-networking "
    "--no-first-run --disable-component-update --disable-sync"
)
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
SETUP = """
from articles.models import Article, Section
from comments.models import Comment
article = Article.objects.published().filter(lead_picture__isnull=False).order_by("-published_at").first()
for name, text in [
    ("Claire", "Merci pour cet article clair et bien documenté."),
    ("Louis", "Une question : les chiffres de la deuxième partie datent de quand ?"),
]:
    Comment.objects.create(
        article=article, name=name, email=name.lower() + "@example.org", text=text,
        status=Comment.Status.APPROVED,
    )
section = Section.objects.filter(articles__isnull=False).distinct().order_by("pk").first()
print(article.get_absolute_url())
print(section.get_absolute_url())
"""


def run(cmd: list[str], env: dict, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, env=env, cwd=ROOT, check=True, text=True, **kwargs)


def ensure_lighthouse() -> None:
    if not LIGHTHOUSE.exists():
        NPM_PREFIX.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                "npm",
                "install",
                "--no-audit",
                "--no-fund",
                "--prefix",
                str(NPM_PREFIX),
                "lighthouse",
            ],
            check=True,
        )


def wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"the server did not answer at {url}")


def audit(url: str, mode: str, out: Path) -> dict:
    cmd = [
        str(LIGHTHOUSE),
        url,
        "--quiet",
        f"--chrome-path={CHROMIUM}",
        f"--chrome-flags={CHROME_FLAGS}",
        "--only-categories=" + ",".join(CATEGORIES),
        "--output=json",
        f"--output-path={out}",
    ]
    if mode == "desktop":
        cmd.append("--preset=desktop")
    subprocess.run(cmd, check=True)
    report = json.loads(out.read_text())
    scores = {c: round(report["categories"][c]["score"] * 100) for c in CATEGORIES}
    failing = []
    for category in CATEGORIES:
        for ref in report["categories"][category]["auditRefs"]:
            result = report["audits"][ref["id"]]
            if ref["weight"] and result["score"] is not None and result["score"] < 0.9:
                failing.append(f"{category}: {result['title']} ({result['score']:.2f})")
    metrics = report["audits"]
    vitals = ", ".join(
        f"{name} {metrics[key]['displayValue']}"
        for name, key in [
            ("FCP", "first-contentful-paint"),
            ("LCP", "largest-contentful-paint"),
            ("TBT", "total-blocking-time"),
            ("CLS", "cumulative-layout-shift"),
        ]
        if metrics.get(key, {}).get("displayValue")
    )
    return {"scores": scores, "failing": failing, "vitals": vitals}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "lighthouse.md")
    args = parser.parse_args()
    ensure_lighthouse()

    scratch = Path(tempfile.mkdtemp(prefix="newsroom-lighthouse-"))
    env = {
        **os.environ,
        "DJANGO_ENV": "production",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "lighthouse-" + "k" * 60 + "-not-a-real-secret-but-long-enough",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_HSTS_SECONDS": "0",
        "DATABASE_URL": f"sqlite:///{scratch / 'db.sqlite3'}",
        "DJANGO_STATIC_ROOT": str(scratch / "static"),
        "DJANGO_MEDIA_ROOT": str(scratch / "media"),
        # Loopback has no proxy in front: the app serves the demo pictures itself.
        "DJANGO_SERVE_MEDIA": "1",
        "GUNICORN_BIND": f"127.0.0.1:{args.port}",
        "GUNICORN_WORKERS": "2",
        "GUNICORN_ACCESS_LOG": "",
        # Lighthouse measures pages, not purges: the two workers' own memory will do.
        "NEWSROOM_ALLOW_PROCESS_CACHE": "1",
    }
    env.pop("CACHE_URL", None)
    env.pop("REDIS_URL", None)
    python = sys.executable
    manage = [python, "manage.py"]
    run([*manage, "migrate", "--noinput", "-v0"], env)
    run([*manage, "load_demo"], env, stdout=subprocess.DEVNULL)
    run([*manage, "collectstatic", "--noinput", "-v0"], env)
    article_url, section_url = run(
        [*manage, "shell", "-c", SETUP], env, capture_output=True
    ).stdout.split()[-2:]

    base = f"http://127.0.0.1:{args.port}"
    server = subprocess.Popen(
        [python, "-m", "gunicorn", "-c", "gunicorn.conf.py", "newsroom.wsgi"],
        env=env,
        cwd=ROOT,
        start_new_session=True,
    )
    pages = [("Homepage", "/"), ("Article with comments", article_url), ("Section", section_url)]
    results = {}
    try:
        wait_for(base + "/")
        for label, path in pages:
            for mode in ("mobile", "desktop"):
                print(f"lighthouse {mode} {path}", file=sys.stderr)
                results[label, mode] = audit(base + path, mode, scratch / "report.json")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)
        shutil.rmtree(scratch, ignore_errors=True)

    version = subprocess.run(
        [str(LIGHTHOUSE), "--version"], capture_output=True, text=True
    ).stdout.strip()
    chromium = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True).stdout
    lines = [
        "# Lighthouse: reader pages",
        "",
        f"- Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"- Machine: {os.cpu_count()} cores; Lighthouse {version}; {chromium.strip()}",
        "- Command: `.venv/bin/python bench/lighthouse.py`",
        "- Site: demo newsroom (`load_demo`) in a fresh SQLite database, gunicorn with "
        "production settings (DEBUG off, hashed and compressed static files), loopback; "
        "the article has two approved comments.",
        "- Mobile is Lighthouse's default (emulated mid-range phone, slow 4G, 4× CPU "
        "slowdown); desktop is `--preset=desktop`.",
        "",
        "| Page | Mode | Performance | Accessibility | Best practices | SEO |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for (label, mode), result in results.items():
        s = result["scores"]
        lines.append(
            f"| {label} | {mode} | {s['performance']} | {s['accessibility']} | "
            f"{s['best-practices']} | {s['seo']} |"
        )
    lines += ["", "## Metrics", ""]
    for (label, mode), result in results.items():
        lines.append(f"- {label}, {mode}: {result['vitals']}")
    lines += ["", "## Failing audits", ""]
    failing = [
        f"- {label}, {mode}: {item}"
        for (label, mode), result in results.items()
        for item in result["failing"]
    ]
    lines += failing or ["None: every weighted audit scores 0.9 or more."]
    args.output.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
