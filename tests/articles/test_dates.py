"""articles/dates.py writes what Django's date_format() writes."""

import random
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import formats, timezone, translation

from articles.dates import date_format

FORMATS = ["DATETIME_FORMAT", "DATE_FORMAT", "SHORT_DATETIME_FORMAT", "TIME_FORMAT"]


def moments():
    rng = random.Random(7)
    start = datetime(1999, 12, 31, 23, 59, tzinfo=UTC)
    # Every hour around both DST changes of 2026 in Paris, and random moments of 30 years.
    for base in (datetime(2026, 3, 28, 20, tzinfo=UTC), datetime(2026, 10, 24, 20, tzinfo=UTC)):
        yield from (base + timedelta(minutes=30 * n) for n in range(24))
    yield from (start + timedelta(seconds=rng.randrange(30 * 365 * 86400)) for _ in range(400))


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("format_name", FORMATS)
def test_same_text_as_django(language, format_name):
    with translation.override(language):
        for moment in moments():
            local = timezone.localtime(moment)
            assert date_format(local, format_name) == formats.date_format(local, format_name)


def test_day_names_follow_the_language_of_the_moment():
    local = timezone.localtime(datetime(2026, 11, 25, 13, 5, tzinfo=UTC))
    with translation.override("fr"):
        assert date_format(local) == "25 novembre 2026 14:05"
    with translation.override("en"):
        assert date_format(local) == formats.date_format(local, "DATETIME_FORMAT")
        assert "Nov." in date_format(local)


def test_escaped_letters_stay_letters(settings):
    settings.DATETIME_FORMAT = r"j \d\e F Y à H\hi"
    with translation.override(None):
        local = timezone.localtime(datetime(2026, 11, 25, 13, 5, tzinfo=UTC))
        assert date_format(local) == formats.date_format(local, "DATETIME_FORMAT")
