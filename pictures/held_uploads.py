"""A picture an editor uploaded with a form that came back with errors: kept for the next
try, so it never has to be chosen again (a file input cannot be refilled by the page).

The picture is held already checked and cleaned (`images.prepare_upload`), in the cache
every app server shares (Redis in production), for HOLD_SECONDS, under a random key that
only the staff member who uploaded it can redeem.
"""

from __future__ import annotations

import uuid

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

HOLD_SECONDS = 3600
KEY = "held-upload:%s"


def hold(user, picture: ContentFile) -> str:
    """Keep `picture` for `user`; the token to give back with the next try."""
    token = uuid.uuid4().hex
    picture.seek(0)
    cache.set(
        KEY % token,
        {"user": user.pk, "name": picture.name, "content": picture.read()},
        HOLD_SECONDS,
    )
    picture.seek(0)
    return token


def redeem(user, token: str) -> ContentFile | None:
    """The picture held under `token` for `user`, or None (expired, unknown, another's)."""
    if not token or len(token) != 32 or not token.isalnum():
        return None
    held = cache.get(KEY % token)
    if held is None or held["user"] != user.pk:
        return None
    return ContentFile(held["content"], name=held["name"])


class KeepsUploadOnError:
    """For a form with a picture upload: when the form comes back with errors, the
    picture it checked (self._new_file, set by its clean_<field>) is held, its token put
    in the hidden `held_field`, and the upload field says so. `request` is set on the form
    by its admin."""

    upload_field = "file"
    held_field = "held_file"
    request = None
    _new_file = None

    def held_picture(self) -> ContentFile | None:
        """The picture held for this form's last try, if its token is the person's."""
        if self.request is None:
            return None
        return redeem(self.request.user, self.data.get(self.add_prefix(self.held_field), ""))

    def full_clean(self):
        self._new_file = None
        super().full_clean()
        if self.is_bound and self._errors and self._new_file and self.request is not None:
            token = hold(self.request.user, self._new_file)
            self.data = self.data.copy()
            self.data[self.add_prefix(self.held_field)] = token
            # The field's bound copy is made (and its help text read) during validation.
            field = self.fields[self.upload_field]
            field.help_text = self[self.upload_field].help_text = _(
                "Your picture %(name)s is kept: save again to use it, or choose another file."
            ) % {"name": self._new_file.name.rsplit("/", 1)[-1]}
