"""The WordPress import, measured: a real edge-case export and a generated 10,000-post one.

    python bench/wordpress_import.py [--export FILE.xml] [--posts 10000] [--keep]

1. Imports FILE.xml (default: ../shared/data/wordpress/themeunittestdata.wordpress.xml,
   WordPress's theme unit test data, read in place and never copied) into a fresh temporary
   SQLite database, prints its summary, runs it again (must change nothing), then once more
   with --media-dir pointing at a generated uploads folder (a placeholder picture at each
   address the export uses, one in five left out on purpose).
2. Writes a WXR export of POSTS synthetic posts (generated French-like text, nested
   categories, tags, five authors, threaded comments and pingbacks, a few drafts and
   scheduled posts, classic and block-editor bodies, captions and galleries), imports it
   into another fresh database and reports the time, then the time of a second run and the
   number of rows it added (zero expected).

3. Fidelity, on FILE.xml: the words of each published post's body in the export against
   the words of its article page's body (median and worst post), its headings, lists,
   quotes, tables and code blocks counted on both sides; every old address (permalinks,
   ?p=, category, tag and author archives) requested: 301 to the right page, or 404 for a
   post readers may not see.
4. Media fetching, on FILE.xml: a local HTTP server stands in for the old site (a copy of
   the export in the temporary folder points at it), serving a picture at each address
   but one (404) and one too large; `--fetch-media` run twice.

Prints a Markdown section for bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import re
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_EXPORT = ROOT.parent / "shared/data/wordpress/themeunittestdata.wordpress.xml"
VOCABULARY = (
    "le la les un une des du de et à en pour avec sur dans par au aux ville maire conseil "
    "quartier tramway budget école projet habitants rue marché élus réunion travaux gare "
    "vélo parc culture festival santé hôpital emploi entreprise association sport stade "
    "transport logement jeunesse environnement eau énergie sécurité police justice région "
    "département vote élection débat opposition majorité annonce décision rapport enquête "
    "semaine mois année matin soir nouveau grand petit premier dernier public prochain"
)
WORDS = VOCABULARY.split()


def sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def paragraph(rng: random.Random) -> str:
    return " ".join(sentence(rng, rng.randint(8, 18)) for _ in range(rng.randint(3, 6)))


def cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def synthetic_export(path: Path, posts: int, seed: int = 8, attachments: int = 0) -> dict:
    """Write a WXR 1.2 export of `posts` posts; returns what it contains."""
    rng = random.Random(seed)
    site = "https://journal.example.org"
    sections = [
        "politique",
        "economie",
        "culture",
        "sport",
        "societe",
        "monde",
        "sciences",
        "sante",
        "education",
        "environnement",
    ]
    nested = [(f"{s}-{n}", s) for s in sections for n in ("local", "national")]
    tags = [f"sujet-{n}" for n in range(500)]
    authors = [f"auteur{n}" for n in range(5)]
    counts = {
        "posts": posts,
        "comments": 0,
        "pingbacks": 0,
        "categories": 30,
        "tags": len(tags),
        "authors": len(authors),
    }
    start = datetime(2015, 1, 1, tzinfo=UTC)
    now = datetime.now(UTC)
    with path.open("w", encoding="utf-8") as out:
        out.write(f"""<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:wfw="http://wellformedweb.org/CommentAPI/" xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
<title>Journal de synthèse</title><link>{site}</link><language>fr-FR</language>
<wp:wxr_version>1.2</wp:wxr_version><wp:base_site_url>{site}</wp:base_site_url>
<wp:base_blog_url>{site}</wp:base_blog_url>
""")
        for n, login in enumerate(authors, 1):
            out.write(
                f"<wp:author><wp:author_id>{n}</wp:author_id><wp:author_login>{login}"
                f"</wp:author_login><wp:author_display_name>{cdata(f'Auteur {n}')}"
                "</wp:author_display_name></wp:author>\n"
            )
        for n, slug in enumerate(sections, 1):
            out.write(
                f"<wp:category><wp:term_id>{n}</wp:term_id><wp:category_nicename>{slug}"
                f"</wp:category_nicename><wp:category_parent></wp:category_parent>"
                f"<wp:cat_name>{cdata(slug.capitalize())}</wp:cat_name></wp:category>\n"
            )
        for n, (slug, parent) in enumerate(nested, 100):
            out.write(
                f"<wp:category><wp:term_id>{n}</wp:term_id><wp:category_nicename>{slug}"
                f"</wp:category_nicename><wp:category_parent>{parent}"
                f"</wp:category_parent><wp:cat_name>{cdata(slug)}</wp:cat_name>"
                "</wp:category>\n"
            )
        for n, slug in enumerate(tags, 1000):
            out.write(
                f"<wp:tag><wp:term_id>{n}</wp:term_id><wp:tag_slug>{slug}</wp:tag_slug>"
                f"<wp:tag_name>{cdata(slug.replace('-', ' '))}</wp:tag_name></wp:tag>\n"
            )
        first_attachment = posts + 1
        for wp_id in range(first_attachment, first_attachment + attachments):
            # Attachment items as WordPress writes them (a title, a URL, its file and alt).
            relative = f"{2015 + wp_id % 10}/{wp_id % 12 + 1:02d}/image-{wp_id}.jpg"
            out.write(
                f"<item><title>{cdata(f'image-{wp_id}')}</title>"
                f"<link>{site}/?attachment_id={wp_id}</link><wp:post_id>{wp_id}</wp:post_id>"
                "<wp:post_date_gmt>2020-01-01 00:00:00</wp:post_date_gmt>"
                "<wp:status>inherit</wp:status><wp:post_type>attachment</wp:post_type>"
                f"<wp:attachment_url>{site}/wp-content/uploads/{relative}</wp:attachment_url>"
                f"<wp:postmeta><wp:meta_key>_wp_attached_file</wp:meta_key><wp:meta_value>"
                f"{cdata(relative)}</wp:meta_value></wp:postmeta><wp:postmeta><wp:meta_key>"
                f"_wp_attachment_image_alt</wp:meta_key><wp:meta_value>{cdata(sentence(rng, 8))}"
                "</wp:meta_value></wp:postmeta></item>\n"
            )
        counts["attachments"] = attachments
        comment_id = 1
        for post_id in range(1, posts + 1):
            when = start + timedelta(minutes=post_id * 47)
            status = rng.choices(["publish", "draft", "future", "pending"], [94, 3, 2, 1])[0]
            if status == "future":
                when = now + timedelta(days=rng.randint(1, 30))
            title = sentence(rng, rng.randint(4, 9))[:-1]
            slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:80] + f"-{post_id}"
            paragraphs = [paragraph(rng) for _ in range(rng.randint(3, 8))]
            if post_id % 2:
                body = "\n\n".join(paragraphs)
                if post_id % 7 == 0:
                    body += (
                        f'\n\n[caption id="attachment_{post_id}" width="600"]<img src="'
                        f'{site}/wp-content/uploads/{when:%Y/%m}/photo-{post_id}.jpg" '
                        f'alt="Photo" /> Une légende.[/caption]'
                    )
                if post_id % 11 == 0:
                    body += '\n\n[gallery ids="1,2,3"]'
            else:
                body = "\n\n".join(
                    f"<!-- wp:paragraph -->\n<p>{p}</p>\n<!-- /wp:paragraph -->" for p in paragraphs
                )
            category = rng.choice(sections + [slug for slug, _ in nested])
            post_tags = rng.sample(tags, rng.randint(0, 4))
            terms = (
                f'<category domain="category" nicename="{category}">{cdata(category)}</category>'
            )
            terms += "".join(
                f'<category domain="post_tag" nicename="{t}">{cdata(t)}</category>'
                for t in post_tags
            )
            comments = []
            if post_id % 5 == 0:
                parent = 0
                for k in range(rng.randint(1, 4)):
                    kind = "pingback" if k == 3 else ""
                    counts["pingbacks" if kind else "comments"] += 1
                    cwhen = when + timedelta(hours=k + 1)
                    comments.append(
                        f"<wp:comment><wp:comment_id>{comment_id}</wp:comment_id>"
                        f"<wp:comment_author>{cdata(f'Lecteur {k}')}</wp:comment_author>"
                        f"<wp:comment_author_email>lecteur{k}@example.org"
                        f"</wp:comment_author_email>"
                        f"<wp:comment_date_gmt>{cwhen:%Y-%m-%d %H:%M:%S}</wp:comment_date_gmt>"
                        f"<wp:comment_content>{cdata(sentence(rng, 15))}</wp:comment_content>"
                        f"<wp:comment_approved>{rng.choice(['1', '1', '1', '0'])}"
                        f"</wp:comment_approved><wp:comment_type>{kind}</wp:comment_type>"
                        f"<wp:comment_parent>{parent}</wp:comment_parent></wp:comment>"
                    )
                    parent = comment_id if k == 0 else parent
                    comment_id += 1
            link = (
                f"{site}/{when:%Y/%m/%d}/{slug}/" if status == "publish" else f"{site}/?p={post_id}"
            )
            out.write(f"""<item><title>{cdata(title)}</title><link>{link}</link>
<dc:creator>{rng.choice(authors)}</dc:creator>
<content:encoded>{cdata(body)}</content:encoded>
<excerpt:encoded>{cdata(sentence(rng, 20) if post_id % 3 == 0 else "")}</excerpt:encoded>
<wp:post_id>{post_id}</wp:post_id>
<wp:post_date>{when.astimezone(UTC) + timedelta(hours=1):%Y-%m-%d %H:%M:%S}</wp:post_date>
<wp:post_date_gmt>{when:%Y-%m-%d %H:%M:%S}</wp:post_date_gmt>
<wp:comment_status>open</wp:comment_status><wp:post_name>{slug}</wp:post_name>
<wp:status>{status}</wp:status><wp:post_type>post</wp:post_type>
<wp:post_password></wp:post_password><wp:is_sticky>0</wp:is_sticky>
{terms}{"".join(comments)}</item>
""")
        out.write("</channel></rss>\n")
    return counts


def placeholder_uploads(export: Path, folder: Path) -> int:
    """A small picture at each uploads address of `export`, one in five left out."""
    from PIL import Image

    text = export.read_text(encoding="utf-8")
    paths = sorted(
        set(
            re.findall(
                r"https?://[\w.-]+/(?:wp-content/uploads/)?(\d{4}/\d{2}/[\w.-]+\.(?:jpe?g|png|gif))",
                text,
            )
        )
    )
    made = 0
    for n, relative in enumerate(paths):
        if n % 5 == 4:
            continue
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        kind = {".gif": "GIF", ".png": "PNG"}.get(Path(relative).suffix, "JPEG")
        Image.new("RGB", (800, 500), (40 + n * 7 % 200, 90, 140)).save(target, kind)
        made += 1
    return made


def fresh_database(workdir: Path, name: str) -> None:
    from django.core.management import call_command
    from django.db import connections

    connections.close_all()
    settings_db = connections.databases["default"]
    settings_db["NAME"] = str(workdir / f"{name}.sqlite3")
    call_command("migrate", verbosity=0)


def run_import(export: Path, *args: str) -> tuple[float, str]:
    from django.core.management import call_command

    out = StringIO()
    started = time.perf_counter()
    call_command("import_wordpress", str(export), *args, stdout=out, stderr=StringIO())
    return time.perf_counter() - started, out.getvalue()


def import_seconds(output: str) -> float:
    """The import's own time, from its first line (the related-articles rebuild excluded)."""
    return float(re.search(r"items in ([\d.]+)s", output).group(1))


def row_count() -> int:
    from django.apps import apps

    return sum(model._default_manager.count() for model in apps.get_models())


# -- fidelity ------------------------------------------------------------------------------

_WORD = re.compile(r"\w+")
_SHORTCODE_TAG = re.compile(r"\[/?[a-zA-Z][\w-]*(?:\s[^\]]*)?\]")
STRUCTURES = {
    "headings": r"<h[1-6]\b",
    "lists": r"<(?:ul|ol)\b(?![^>]*blocks-gallery-grid)",  # a gallery is a grid, not a list
    "quotes": r"<blockquote\b",
    "tables": r"<table\b",
    "code blocks": r"<pre\b(?![^>]*wp-block-verse)",
}


def export_text(html: str) -> str:
    """What a reader of the WordPress site read: no comments, scripts, shortcode tags."""
    from html import unescape

    html = re.sub(r"<!--.*?-->", " ", html or "", flags=re.S)
    html = re.sub(r"<(script|style)\b.*?</\1\s*>", " ", html, flags=re.S | re.I)
    html = _SHORTCODE_TAG.sub(" ", html)
    return unescape(re.sub(r"<[^>]+>", " ", html))


def page_body(html: str) -> str:
    start = html.index('<div class="article__body">')
    return html[start : html.index("</div>", start)]


def words(text: str) -> list[str]:
    from html import unescape

    return _WORD.findall(unescape(re.sub(r"<[^>]+>", " ", text)).casefold())


def retention(source: list[str], page: list[str]) -> float:
    from collections import Counter

    if not source:
        return 1.0
    have = Counter(page)
    kept = sum(min(n, have[w]) for w, n in Counter(source).items())
    return kept / len(source)


def fidelity(export: Path) -> list[str]:
    """Word retention, structures and old addresses of an imported export."""
    from statistics import median

    from django.test import Client

    from articles.models import Article
    from wpimport.importer import identify
    from wpimport.models import ImportedItem, LegacyAddress
    from wpimport.wxr import ExportReader, Item, Term

    client = Client()
    articles = {row.wp_id: row.object_id for row in ImportedItem.objects.filter(kind="post")}
    visible = set(Article.objects.published().values_list("pk", flat=True))
    scores, structure = [], {name: [0, 0] for name in STRUCTURES}
    mismatched: list[str] = []
    addresses = {"post": [0, 0], "?p=": [0, 0], "hidden": [0, 0]}
    wrong: list[str] = []
    categories: list[Term] = []
    for entry in ExportReader(export):
        if isinstance(entry, Term) and entry.taxonomy == "category":
            categories.append(entry)
        if not isinstance(entry, Item):
            continue
        identify(entry)
        if entry.post_type != "post" or entry.status in {"trash", "auto-draft", "inherit"}:
            continue
        pk = articles.get(entry.wp_id)
        shown = pk in visible
        link = entry.link.split("://", 1)[-1]
        path = "/" + link.split("/", 1)[1] if "/" in link else "/"
        for kind, old in (("post", path), ("?p=", f"/?p={entry.wp_id}")):
            if "?p=" in old and kind == "post":
                continue
            response = client.get(old)
            bucket = kind if shown else "hidden"
            addresses[bucket][1] += 1
            expected = 301 if shown else 404
            if response.status_code == expected and (
                not shown or response["Location"] == Article.objects.get(pk=pk).get_absolute_url()
            ):
                addresses[bucket][0] += 1
            else:
                wrong.append(f"{old} -> {response.status_code}")
        if not shown:
            continue
        page = client.get(Article.objects.get(pk=pk).get_absolute_url()).content.decode()
        body = page_body(page)
        score = retention(words(export_text(entry.content)), words(body))
        title = entry.title or f"#{entry.wp_id}"
        scores.append((score, title))
        for name, pattern in STRUCTURES.items():
            before = len(re.findall(pattern, entry.content or "", re.I))
            after = len(re.findall(pattern, body, re.I))
            structure[name][0] += before
            structure[name][1] += after
            if before != after:
                mismatched.append(f"{title}: {name} {before} -> {after}")
    archive_rows = LegacyAddress.objects.filter(article__isnull=True).values_list("path", flat=True)
    archives = {"category": [0, 0], "tag": [0, 0], "author": [0, 0]}
    for old in archive_rows:
        kind = old.strip("/").split("/")[0]
        if kind not in archives:
            continue
        response = client.get(old)
        archives[kind][1] += 1
        if response.status_code == 301 and client.get(response["Location"]).status_code == 200:
            archives[kind][0] += 1
        else:
            wrong.append(f"{old} -> {response.status_code}")
    redirected = {p.strip("/").split("/")[-1] for p in archive_rows if p.startswith("/category/")}
    gone = [c.slug for c in categories if c.slug not in redirected]
    ordered = sorted(scores)
    lines = [
        "Fidelity (body words of each published post in the export found on its page; "
        "shortcode tags, comments and scripts not counted as words):",
        "",
        f"- word retention: median post {median(s for s, _ in scores):.1%}, worst post "
        f"{ordered[0][0]:.1%} ({len(scores)} posts); worst five: "
        + "; ".join(f"{t[:40]} {s:.1%}" for s, t in ordered[:5]),
        "- structures, export -> page: "
        + ", ".join(f"{name} {a} -> {b}" for name, (a, b) in structure.items())
        + (
            f"; posts that differ: {'; '.join(mismatched[:10])}"
            if mismatched
            else "; equal in every post"
        ),
        "- old addresses: "
        + ", ".join(f"{kind} {ok}/{n}" for kind, (ok, n) in addresses.items())
        + " (posts 301 to their article, hidden ones 404); archives "
        + ", ".join(f"{kind} {ok}/{n}" for kind, (ok, n) in archives.items())
        + f" (301 to a page that answers 200); categories declared with no archive address "
        f"(nothing filed in or above them): {len(gone)}"
        + (f"; wrong: {'; '.join(wrong[:10])}" if wrong else ""),
        "",
    ]
    return lines


# -- media fetching ------------------------------------------------------------------------


def fetch_media_run(export: Path, workdir: Path) -> list[str]:
    """--fetch-media against a local server standing in for the old site."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    from io import BytesIO

    from PIL import Image

    served: list[str] = []
    buffer = BytesIO()
    Image.new("RGB", (640, 400), (60, 110, 150)).save(buffer, "JPEG")
    picture = buffer.getvalue()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            served.append(self.path)
            if self.path == missing[0]:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", "image/jpeg")
            size = 300 * 2**20 if self.path == huge[0] else len(picture)
            self.send_header("Content-Length", str(size))
            self.end_headers()
            if self.path != huge[0]:
                self.wfile.write(picture)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    text = export.read_text(encoding="utf-8")
    # The export's pictures are on WordPress.com's file host: the same paths, here.
    text = re.sub(
        r"https?://[\w.-]+\.files\.wordpress\.com/(\d{4}/\d{2}/)",
        base + r"/wp-content/uploads/\1",
        text,
    )
    local = workdir / "local-site.xml"
    local.write_text(text, encoding="utf-8")
    paths = sorted(
        set(
            re.findall(
                r"127\.0\.0\.1:\d+(/wp-content/uploads/\d{4}/\d{2}/[\w.-]+\.(?:jpe?g|png|gif))",
                text,
            )
        )
    )
    missing, huge = [paths[0]], [paths[1]]
    os.environ["no_proxy"] = "*"
    folder = workdir / "fetched"
    try:
        first_seconds, first = run_import(local, "--fetch-media", "--media-dir", str(folder))
        asked_first = len(served)
        second_seconds, second = run_import(local, "--fetch-media", "--media-dir", str(folder))
    finally:
        server.shutdown()
    fetched = sum(1 for p in folder.rglob("*") if p.is_file())
    downloads = [line for line in first.splitlines() if "pictures fetched" in line]
    again = [line for line in second.splitlines() if "pictures fetched" in line]
    reasons = [
        line.strip()
        for line in first.splitlines()
        if "skipped" in line and ("HTTP" in line or "limit" in line)
    ]
    return [
        f"Media fetching: a local server stands in for the old site ({len(paths)} picture "
        f"addresses in the export, one answering 404 and one announcing 300 MB):",
        "",
        f"- first run ({first_seconds:.1f} s): {asked_first} requests, {fetched} files kept of "
        f"{len(paths) - 2} servable; summary `{downloads[0].split(None, 2)[-1] if downloads else '?'}` "
        f"({'; '.join(reasons)})",
        f"- second run ({second_seconds:.1f} s): {len(served) - asked_first} requests (the two "
        f"failures asked again); summary `{again[0].split(None, 2)[-1] if again else '?'}`",
        "",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--export", type=Path, default=DEFAULT_EXPORT)
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument(
        "--attachments",
        type=int,
        default=0,
        help="attachment items in the generated export (peak memory is reported)",
    )
    parser.add_argument(
        "--theme-only", action="store_true", help="only the export's parts (1, 3, 4)"
    )
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="newsroom-wpimport-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/first.sqlite3"
    os.environ["DJANGO_SETTINGS_MODULE"] = "newsroom.settings"
    os.environ["DJANGO_MEDIA_ROOT"] = str(workdir / "media")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-" + "x" * 60)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    report = [
        "## WordPress import",
        "",
        f"{datetime.now(UTC):%Y-%m-%d}, {platform.node() or 'this machine'}: "
        f"{os.cpu_count()} cores, "
        f"Python {platform.python_version()}, SQLite (fresh temporary database for each part). "
        "Command: `.venv/bin/python bench/wordpress_import.py`.",
        "",
    ]
    try:
        if args.export.exists() and not args.attachments:
            fresh_database(workdir, "theme")
            seconds, first = run_import(args.export)
            again_seconds, again = run_import(args.export)
            uploads = workdir / "uploads"
            pictures = placeholder_uploads(args.export, uploads)
            media_seconds, media = run_import(args.export, "--media-dir", str(uploads))
            report += [
                f"### {args.export.name}",
                "",
                f"`manage.py import_wordpress {args.export.name}` — first run {seconds:.1f} s:",
                "",
                "```",
                *first.rstrip().splitlines(),
                "```",
                "",
                f"Second run, same file: {again_seconds:.2f} s, summary lines:",
                "",
                "```",
                *again.rstrip().splitlines()[1:12],
                "```",
                "",
                f"Third run with `--media-dir` ({pictures} generated placeholder pictures at the "
                f"export's upload paths, one in five left out): {media_seconds:.1f} s:",
                "",
                "```",
                *media.rstrip().splitlines()[1:12],
                "```",
                "",
                *fidelity(args.export),
            ]
            fresh_database(workdir, "fetch")
            report += fetch_media_run(args.export, workdir)
        if args.theme_only:
            print("\n".join(report))
            return
        fresh_database(workdir, "synthetic")
        export = workdir / "synthetic.xml"
        counts = synthetic_export(export, args.posts, attachments=args.attachments)
        import resource

        before_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        size = export.stat().st_size / 2**20
        seconds, first = run_import(export)
        peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        rows = row_count()
        again_seconds, again = run_import(export)
        added = row_count() - rows
        imported = import_seconds(first)
        report += [
            f"### {args.posts:,} generated posts",
            "",
            f"A {size:.0f} MB export: {counts['posts']:,} posts, {counts['comments']:,} comments "
            f"and {counts['pingbacks']:,} pingbacks, {counts['categories']} categories (10 "
            f"top-level, 20 nested), {counts['tags']} tags, {counts['authors']} authors, "
            f"{counts['attachments']:,} attachments. Peak memory of the process: "
            f"{before_rss:.0f} MB before the import, {peak_rss:.0f} MB after the first run "
            "(import and related-articles rebuild).",
            "",
            f"| run | time | rows added |\n| --- | --- | --- |\n"
            f"| first import | {imported:.1f} s ({counts['posts'] / imported:.0f} posts/s), then "
            f"{seconds - imported:.1f} s for the one related-articles rebuild "
            f"({seconds:.1f} s in all) | {rows:,} in all tables |\n"
            f"| second run, same file | {again_seconds:.1f} s | {added} |",
            "",
            "First run:",
            "",
            "```",
            *first.rstrip().splitlines(),
            "```",
            "",
            "Second run:",
            "",
            "```",
            *again.rstrip().splitlines()[:12],
            "```",
            "",
        ]
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    print("\n".join(report))


if __name__ == "__main__":
    main()
