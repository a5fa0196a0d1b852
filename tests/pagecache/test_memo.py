"""Values kept as long as the pages showing them (pagecache/memo.py)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from pagecache import expiry
from pagecache.memo import remember
from pagecache.purge import purge_now

pytestmark = pytest.mark.django_db  # the next scheduled publication is read from the database


class Counter:
    def __init__(self):
        self.calls = 0

    def __call__(self):
        self.calls += 1
        return f"value {self.calls}"


def test_a_value_is_computed_once_until_its_key_is_purged():
    compute = Counter()
    assert remember("nav", ["frame"], compute) == "value 1"
    assert remember("nav", ["frame"], compute) == "value 1"
    purge_now(["article-3"])  # another scope: kept
    assert remember("nav", ["frame"], compute) == "value 1"
    purge_now(["frame"])
    assert remember("nav", ["frame"], compute) == "value 2"
    assert compute.calls == 2


def test_a_purge_while_computing_leaves_the_stored_value_outdated():
    def compute_then_purge():
        purge_now(["frame"])  # a write commits while the value is read
        return "read before the write"

    assert remember("nav", ["frame"], compute_then_purge) == "read before the write"
    assert remember("nav", ["frame"], Counter()) == "value 1"


def test_a_value_does_not_outlive_the_next_scheduled_change(monkeypatch, settings):
    settings.NEWSROOM = {**settings.NEWSROOM, "PAGE_CACHE_SECONDS": 300}
    soon = timezone.now() + timedelta(seconds=30)
    monkeypatch.setattr(expiry, "_finders", [lambda: soon])
    compute = Counter()
    remember("nav", ["frame"], compute)
    assert remember("nav", ["frame"], compute) == "value 1"
    later = soon + timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert remember("nav", ["frame"], compute) == "value 2"


def test_the_navigation_shows_a_renamed_section_on_the_next_page(
    client, django_capture_on_commit_callbacks
):
    from tests.factories import ArticleFactory, SectionFactory

    section = SectionFactory(name="Monde")
    ArticleFactory(section=section)
    assert "Monde" in nav(client.get("/").text)
    section.name = "Planète"
    with django_capture_on_commit_callbacks(execute=True):
        section.save()
    assert "Planète" in nav(client.get("/").text)
    assert "Monde" not in nav(client.get("/en/").text)


def nav(html):
    return html.split('<nav class="sections-nav"')[1].split("</nav>")[0]
