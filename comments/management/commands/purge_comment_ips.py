from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from comments.services import purge_ip_data


class Command(BaseCommand):
    help = "Clear the IP fingerprints of comments older than the retention period."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=settings.NEWSROOM_COMMENTS["IP_RETENTION_DAYS"],
            help="Keep the IP data of the last DAYS days (default: %(default)s).",
        )

    def handle(self, *args, days: int, **options):
        if days < 0:
            raise CommandError(f"--days must be 0 or more, not {days}.")
        cleared = purge_ip_data(older_than=timedelta(days=days))
        self.stdout.write(f"Cleared the IP data of {cleared} comment(s) older than {days} day(s).")
