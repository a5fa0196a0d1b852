"""Test settings: the real settings plus speed-ups only."""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-secret-key-that-is-long-enough-0123456789")

from newsroom.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,  # noqa: F405
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# WhiteNoise serves from the finders in tests; it only needs STATIC_ROOT to exist.
STATIC_ROOT = Path(tempfile.mkdtemp(prefix="newsroom-static-"))
WHITENOISE_USE_FINDERS = True
