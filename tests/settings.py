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
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "frames": CACHES["frames"],  # noqa: F405
}

# WhiteNoise serves from the finders in tests; it only needs STATIC_ROOT to exist.
STATIC_ROOT = Path(tempfile.mkdtemp(prefix="newsroom-static-"))
WHITENOISE_USE_FINDERS = True

# Tests run inside transactions whose commit hooks never fire, so the page cache (which
# empties on commit) is off by default; tests/articles/test_pagecache.py turns it on.
NEWSROOM = {**NEWSROOM, "PAGE_CACHE_SECONDS": 0}  # noqa: F405

# Templates used only by tests.
TEMPLATES[0]["DIRS"] = [*TEMPLATES[0]["DIRS"], BASE_DIR / "tests" / "templates"]  # noqa: F405

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, as in production: concurrent saves (tests/articles/test_stale_writes.py) meet
    # SQLite's real locking (WAL, busy timeout), which a shared in-memory database lacks.
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(Path(tempfile.mkdtemp(prefix="newsroom-db-")) / "test.sqlite3")
    }
