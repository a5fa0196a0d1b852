"""`python manage.py import_wordpress EXPORT.xml [--media-dir DIR] [--fetch-media] [--dry-run]`."""

from __future__ import annotations

import time
from pathlib import Path

from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError

from wpimport.importer import WordPressImporter
from wpimport.wxr import WXRError


class Progress:
    """A one-line bar on a terminal; a line every 10 % when stderr is a file or a pipe."""

    def __init__(
        self, stream, *, enabled: bool = True, doing: str = "Importing", unit: str = "items"
    ):
        self.doing, self.unit = doing, unit
        self.stream = stream
        self.enabled = enabled
        self.tty = enabled and hasattr(stream, "isatty") and stream.isatty()
        self.started = time.monotonic()
        self.shown_at = 0.0
        self.last_step = -1

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled or total <= 0:
            return
        share = done / total
        if self.tty:
            now = time.monotonic()
            if done < total and now - self.shown_at < 0.2:
                return
            self.shown_at = now
            bar = "#" * int(share * 30)
            self.stream.write(
                f"\r{self.doing} [{bar:<30}] {done}/{total} {self.unit} {share:4.0%} "
                f"{now - self.started:5.0f}s",
                ending="",
            )
            if done == total:
                self.stream.write("")
            self.stream.flush()
            return
        step = int(share * 10)
        if step != self.last_step:
            self.last_step = step
            self.stream.write(f"{self.doing}: {done}/{total} {self.unit} ({share:.0%})")


class Command(BaseCommand):
    help = (
        "Import a WordPress export (WXR file from Tools > Export): posts, categories, tags, "
        "authors, comments and pictures, with redirects from the old addresses. Safe to run "
        "again: what was imported before is updated, not copied."
    )

    def add_arguments(self, parser):
        parser.add_argument("export", help="the WordPress export file (.xml)")
        parser.add_argument(
            "--media-dir",
            help="a copy of the site's wp-content/uploads folder, for the pictures",
        )
        parser.add_argument(
            "--fetch-media",
            action="store_true",
            help=(
                "download the pictures from the old site first, into --media-dir (default: "
                "a folder named after the export, beside it); a second run fetches only "
                "what is missing"
            ),
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="read and check everything, report what would happen, change nothing",
        )

    def handle(self, *args, **options):
        export = Path(options["export"])
        if not export.is_file():
            raise CommandError(f"{export} is not a file.")
        media_dir = options.get("media_dir")
        if media_dir and options["fetch_media"]:
            try:
                Path(media_dir).mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise CommandError(f"--media-dir {media_dir} cannot be created: {exc}.") from exc
        if media_dir and not Path(media_dir).is_dir():
            raise CommandError(f"--media-dir {media_dir} is not a folder.")
        verbosity = options["verbosity"]
        importer = WordPressImporter(
            export,
            media_dir=media_dir,
            fetch_media=options["fetch_media"],
            dry_run=options["dry_run"],
            progress=Progress(self.stderr, enabled=verbosity > 0),
            fetch_progress=Progress(
                self.stderr, enabled=verbosity > 0, doing="Fetching", unit="pictures"
            ),
            raise_errors=options.get("traceback", False),
        )
        started = time.monotonic()
        try:
            summary = importer.run()
        except WXRError as exc:
            raise CommandError(str(exc)) from exc
        elapsed = time.monotonic() - started
        if verbosity > 0:
            self._report(importer, summary, export, elapsed, options)
        if importer.changed_articles and "rebuild_related" in get_commands():
            # Refreshes were paused during the import: one rebuild instead of one per save.
            call_command(
                "rebuild_related", verbosity=verbosity, stdout=self.stdout, stderr=self.stderr
            )

    def _report(self, importer, summary, export, elapsed, options) -> None:
        verbosity = options["verbosity"]
        title = "Dry run of the WordPress import" if options["dry_run"] else "WordPress import"
        self.stdout.write(
            f"{title}: {importer.reader.channel.title or export.name} "
            f"({importer.index.site}, WXR {importer.reader.channel.wxr_version or '?'}), "
            f"{importer.index.items} items in {elapsed:.1f}s"
        )
        for line in summary.lines(verbosity=verbosity):
            self.stdout.write(line)
        if options["dry_run"]:
            self.stdout.write("Dry run: nothing was saved.")
