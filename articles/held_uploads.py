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
