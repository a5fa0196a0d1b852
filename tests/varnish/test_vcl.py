"""The repository's VCL with the page cache's own test views: keep, purge by key, pass."""

import urllib.request

import pytest
from django.core.cache import cache

from pagecache.purge import purge_now

from .http import get

pytestmark = [pytest.mark.varnish, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _through_varnish(settings, varnish):
    settings.ROOT_URLCONF = "tests.pagecache.urls"
    settings.NEWSROOM = {**settings.NEWSROOM, "PAGE_CACHE_SECONDS": 300, "PURGE": [varnish]}
    cache.clear()
    purge_now(["site"])  # what an earlier test left in Varnish
    yield


def test_varnish_keeps_a_page_until_its_key_is_purged(varnish):
    status, first, body = get(f"{varnish}/a/7/")
    assert status == 200 and first["X-Cache"] == "miss"
    _, second, again = get(f"{varnish}/a/7/")
    assert second["X-Cache"] == "hit" and again == body
    # Readers are not sent the keys.
    assert "xkey" not in {k.lower() for k in second}
    purge_now(["article-8"])
    assert get(f"{varnish}/a/7/")[1]["X-Cache"] == "hit"
    purge_now(["article-7"])
    assert get(f"{varnish}/a/7/")[1]["X-Cache"] == "miss"


def test_browsers_revalidate_and_get_304_from_varnish(varnish):
    _, headers, _ = get(f"{varnish}/a/9/")
    status, _, body = get(f"{varnish}/a/9/", **{"If-None-Match": headers["ETag"]})
    assert status == 304 and body == ""


def test_personal_and_unlabelled_responses_are_never_kept(varnish):
    get(f"{varnish}/a/10/")
    assert get(f"{varnish}/a/10/", Cookie="sessionid=abc")[1]["X-Cache"] == "miss"
    get(f"{varnish}/private/")
    assert get(f"{varnish}/private/")[1]["X-Cache"] == "miss"


def test_purges_need_keys(varnish):
    request = urllib.request.Request(f"{varnish}/", method="PURGE")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 400
