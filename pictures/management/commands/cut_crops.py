"""Cut the card and sharing crops of pictures that have none: `manage.py cut_crops [--all]`.

Pictures moved into the library by the migration (articles 0014) keep their whole-picture
renditions, and cards show those until the picture's crops are cut. Saving a picture cuts
them; this command does it for the whole library at once, and purges what shows each one.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from PIL import UnidentifiedImageError

from pictures.models import Picture


class Command(BaseCommand):
    help = (
        "Cut the 16:9 card crops and the 1200×630 sharing crop, around each picture's focal "
        "point, for pictures that have none (--all: for every picture)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--all",
            action="store_true",
            dest="recut",
            help="Cut again the crops of pictures that have them.",
        )

    def handle(self, *args, recut: bool = False, **options):
        pictures = Picture.objects.order_by("pk")
        if not recut:
            pictures = pictures.filter(crops={})
        done, failed = 0, []
        # Ids first: each picture is read and saved on its own, so a long run holds no
        # cursor open and one unreadable file stops nothing else.
        for pk in list(pictures.values_list("pk", flat=True)):
            picture = Picture.objects.filter(pk=pk).first()
            if picture is None:  # deleted meanwhile
                continue
            picture.crops = {}  # save() cuts them again
            try:
                picture.save(update_fields=["crops", "updated_at"])
            except (OSError, UnidentifiedImageError, ValueError) as exc:
                failed.append(f"  picture {pk} ({picture.file.name}): {exc}")
                continue
            done += 1
        self.stdout.write(f"Crops cut for {done} picture(s).")
        if failed:
            raise CommandError(
                f"{len(failed)} picture(s) could not be cut; their files are missing or "
                "unreadable (upload them again from the picture's page):\n" + "\n".join(failed)
            )
