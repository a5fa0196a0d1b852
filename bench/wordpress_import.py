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


def synthetic_export(path: Path, posts: int, seed: int = 8) -> dict:
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--export", type=Path, default=DEFAULT_EXPORT)
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
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
        if args.export.exists():
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
            ]
        fresh_database(workdir, "synthetic")
        export = workdir / "synthetic.xml"
        counts = synthetic_export(export, args.posts)
        size = export.stat().st_size / 2**20
        seconds, first = run_import(export)
        rows = row_count()
        again_seconds, again = run_import(export)
        added = row_count() - rows
        imported = import_seconds(first)
        report += [
            f"### {args.posts:,} generated posts",
            "",
            f"A {size:.0f} MB export: {counts['posts']:,} posts, {counts['comments']:,} comments "
            f"and {counts['pingbacks']:,} pingbacks, {counts['categories']} categories (10 "
            f"top-level, 20 nested), {counts['tags']} tags, {counts['authors']} authors.",
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
