"""Create or refresh a staff account for trying the admin as an editor (not a superuser)."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from articles.models import Author
from articles.roles import EDITOR, sync_roles

SITE_URL = "http://127.0.0.1:8000"


class Command(BaseCommand):
    help = (
        f"Create or update a staff account with the {EDITOR!r} role and give it a new "
        "random password, printed once."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", default="editor", help="Account name (default: editor).")
        parser.add_argument(
            "--site-url",
            default=SITE_URL,
            help=f"Where the site is served, for the login address printed (default: {SITE_URL}; "
            "make run passes its HOST and PORT).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        username = (options["username"] or "").strip()
        site_url = (options["site_url"] or SITE_URL).strip().rstrip("/")
        if not site_url.startswith(("http://", "https://")):
            raise CommandError(f"--site-url {site_url!r} is not an address: give http://host:port.")
        if not username:
            raise CommandError("The username is empty: pass --username NAME (default: editor).")
        user_model = get_user_model()
        try:
            user_model._meta.get_field(user_model.USERNAME_FIELD).run_validators(username)
        except ValidationError as exc:
            raise CommandError(f"Invalid username {username!r}: {' '.join(exc.messages)}") from exc

        password = secrets.token_urlsafe(12)
        with transaction.atomic():
            sync_roles()
            group = Group.objects.get(name=EDITOR)
            user = user_model._default_manager.filter(
                **{user_model.USERNAME_FIELD: username}
            ).first()
            if user is None:
                user = user_model(**{user_model.USERNAME_FIELD: username})
            elif user.is_superuser:
                # Quietly demoting an existing administrator could lock the site's owner out.
                raise CommandError(
                    f"{username!r} is a superuser; choose another --username for the demo editor."
                )
            user.is_staff = True
            user.is_active = True
            user.set_password(password)
            user.save()
            user.groups.add(group)
            # A demo login must not sign articles in a real author's name.
            Author.objects.filter(user=user).update(user=None)

        self.stdout.write(f"Login URL: {site_url}/admin/")
        self.stdout.write(f"Username:  {username}")
        self.stdout.write(f"Password:  {password}")
