"""Recompute every related-article suggestion: `manage.py rebuild_related [--resume]`."""

from __future__ import annotations

import sys
import time

from django.core.management.base import BaseCommand, CommandError

from related import rebuild


class ProgressBar:
    """A plain-text progress bar on stderr: redrawn in place on a terminal, a line per 10%
    otherwise (logs stay readable)."""

    def __init__(self, stream=sys.stderr, width: int = 30) -> None:
        self.stream, self.width = stream, width
        self.started = time.monotonic()
        self.tty = stream.isatty()
        self.last: tuple[str, int] | None = None

    def __call__(self, stage: str, done: int, total: int) -> None:
        share = done / total if total else 1.0
        tenth = int(share * 10)
        if not self.tty and self.last == (stage, tenth) and done < total:
            return
        self.last = (stage, tenth)
        filled = int(share * self.width)
        line = (
            f"{stage:<13} [{'#' * filled}{'.' * (self.width - filled)}] "
            f"{done}/{total} {share:6.1%} {time.monotonic() - self.started:7.1f}s"
        )
        self.stream.write(
            ("\r" + line + ("\n" if done >= total else "")) if self.tty else line + "\n"
        )
        self.stream.flush()


class Command(BaseCommand):
    help = "Recompute the related-article suggestions of every published article."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--resume",
            action="store_true",
            help="Continue an interrupted rebuild where it stopped, if the articles did not "
            "change meanwhile; otherwise start over.",
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=2000,
            help="Articles written per transaction (default 2000).",
        )

    def handle(self, *args, resume: bool, batch_size: int, **options) -> None:
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        # The raw stream: the bar redraws itself with carriage returns on a terminal.
        progress = ProgressBar(self.stderr._out) if options["verbosity"] > 0 else None
        report = rebuild(batch_size=batch_size, resume=resume, progress=progress)
        if options["verbosity"] > 0:
            resumed = f", resumed at {report.resumed_from}" if report.resumed_from else ""
            self.stdout.write(
                f"Related articles rebuilt for {report.articles} articles in "
                f"{report.seconds:.1f}s{resumed}."
            )
