from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from comments.services import erase_commenter


class Command(BaseCommand):
    help = (
        "Erase every comment of an email address (replies from other readers stay, under a "
        "tombstone), or with --anonymise keep the texts and drop name, email, website and IP data."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument(
            "--anonymise", action="store_true", help="Keep the texts, drop the personal data."
        )

    def handle(self, *args, email: str, anonymise: bool, **options):
        try:
            validate_email(email.strip())
        except ValidationError:
            raise CommandError(f"{email!r} is not an email address.") from None
        done = erase_commenter(email=email, anonymise=anonymise)
        if anonymise:
            self.stdout.write(f"Anonymised {done.anonymised} comment(s) of {email}.")
        else:
            self.stdout.write(
                f"Deleted {done.deleted} comment(s) of {email}; {done.tombstones} with replies "
                "left as tombstones."
            )
