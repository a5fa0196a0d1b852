from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone


@pytest.fixture
def move_time():
    """Move the clock forward without sleeping: `move_time(hours=2)`."""
    patches = []

    def move(**delta):
        later = timezone.now() + timedelta(**delta)
        patcher = mock.patch("django.utils.timezone.now", return_value=later)
        patcher.start()
        patches.append(patcher)
        return later

    yield move
    for patcher in reversed(patches):
        patcher.stop()


@pytest.fixture(autouse=True)
def _fresh_caches():
    """Empty caches: the page frame's language-only fragments (base.html), in case a test
    changes settings, and the default cache (the moderation policy's entry among others),
    which a commit would empty and a test's rolled-back transaction does not."""
    from django.core.cache import caches

    caches["frames"].clear()
    caches["default"].clear()


@pytest.fixture(autouse=True)
def _site_language():
    """Each test starts in the site's language, whatever a previous request activated."""
    from django.conf import settings
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        yield
