"""The page cache on its own: scoped purges, shared-cache labels, 304s, races."""

import http.server
import threading

import pytest
from django.core.cache import cache
from django.test import Client

from pagecache import expiry, purge, store
from pagecache.purge import purge_now, purge_on_commit

from . import urls as views

pytestmark = pytest.mark.urls("tests.pagecache.urls")


@pytest.fixture(autouse=True)
def page_cache(settings, monkeypatch):
    # These pages show no article: the site's own "next scheduled publication" finder
    # (registered by the articles app) has nothing to say about them.
    monkeypatch.setattr(expiry, "_finders", [])
    settings.NEWSROOM = {**settings.NEWSROOM, "PAGE_CACHE_SECONDS": 300, "PURGE": []}
    settings.MIDDLEWARE = ["pagecache.middleware.PageCacheMiddleware"]
    cache.clear()
    views.CALLS["count"] = 0
    yield
    cache.clear()


def test_second_request_is_a_hit_labelled_for_shared_caches():
    first = Client().get("/a/1/")
    second = Client().get("/a/1/")
    assert first["X-Page-Cache"] == "miss" and second["X-Page-Cache"] == "hit"
    assert second.content == first.content == b"article 1 #1"
    assert views.CALLS["count"] == 1
    for response in (first, second):
        assert response["Cache-Control"].startswith("public, max-age=0, s-maxage=")
        assert response["xkey"] == "article-1 frame site"
        assert response["Surrogate-Key"] == "article-1 frame site"
        assert response["Cache-Tag"] == "article-1,frame,site"
        assert response["ETag"] and response["Last-Modified"]


def test_revalidation_answers_304():
    etag = Client().get("/a/1/")["ETag"]
    assert Client().get("/a/1/", headers={"if-none-match": etag}).status_code == 304
    modified = Client().get("/a/1/")["Last-Modified"]
    assert Client().get("/a/1/", headers={"if-modified-since": modified}).status_code == 304
    assert Client().get("/a/1/", headers={"if-none-match": '"other"'}).status_code == 200


def test_a_purge_drops_exactly_the_pages_showing_its_key():
    for url in ("/a/1/", "/a/3/", "/"):
        Client().get(url)
    purge_now(["article-1"])
    assert Client().get("/a/1/")["X-Page-Cache"] == "miss"
    assert Client().get("/")["X-Page-Cache"] == "miss"  # the list shows article 1
    assert Client().get("/a/3/")["X-Page-Cache"] == "hit"


def test_a_purge_of_unrelated_keys_keeps_every_page():
    Client().get("/a/1/")
    purge_now(["article-99", "tag-4"])
    assert Client().get("/a/1/")["X-Page-Cache"] == "hit"


def test_the_site_key_empties_everything():
    Client().get("/a/1/")
    Client().get("/")
    purge_now(["site"])
    assert Client().get("/a/1/")["X-Page-Cache"] == "miss"
    assert Client().get("/")["X-Page-Cache"] == "miss"


@pytest.mark.django_db
def test_purges_wait_for_the_commit(django_capture_on_commit_callbacks):
    Client().get("/a/1/")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        purge_on_commit(["article-1"])
        assert Client().get("/a/1/")["X-Page-Cache"] == "hit"  # not committed yet
    assert len(callbacks) == 1
    assert Client().get("/a/1/")["X-Page-Cache"] == "miss"


def test_a_page_rendered_while_a_purge_ran_is_kept_by_nobody(monkeypatch):
    real = views.article.__wrapped__

    def racing(request, pk):
        response = real(request, pk)
        purge_now(["article-1"])  # an editor's save commits during the render
        return response

    monkeypatch.setattr(views, "article", racing)
    monkeypatch.setattr(views.urlpatterns[0], "callback", views.public_page(racing))
    response = Client().get("/a/1/")
    assert response["Cache-Control"] == "no-cache" and "xkey" not in response
    assert Client().get("/a/1/").headers.get("X-Page-Cache") != "hit"


def test_personal_requests_are_private_and_never_stored():
    client = Client()
    client.cookies["sessionid"] = "abc"
    response = client.get("/a/1/")
    assert response["Cache-Control"] == "private, no-cache" and "xkey" not in response
    assert Client().get("/a/1/")["X-Page-Cache"] == "miss"
    assert views.CALLS["count"] == 2


def test_responses_that_set_cookies_or_are_not_public_are_not_shared():
    assert "xkey" not in Client().get("/cookie/")
    response = Client().get("/private/")
    assert "xkey" not in response and "X-Page-Cache" not in response


def test_pages_never_outlive_the_next_scheduled_change(monkeypatch):
    from datetime import timedelta

    from django.utils import timezone

    soon = timezone.now() + timedelta(seconds=40)
    monkeypatch.setattr(expiry, "_finders", [lambda: soon])
    response = Client().get("/a/1/")
    ttl = int(response["Cache-Control"].rsplit("=", 1)[1])
    assert 35 <= ttl <= 40
    # The answer is kept until the schedule changes; a purge of the schedule asks again.
    later = timezone.now() + timedelta(seconds=200)
    monkeypatch.setattr(expiry, "_finders", [lambda: later])
    assert expiry.next_change(300) == soon
    purge_now([expiry.SCHEDULE_KEY])
    assert expiry.next_change(300) == later


def test_an_evicted_version_is_a_miss_never_a_stale_hit():
    Client().get("/a/1/")
    purge_now(["article-1"])
    Client().get("/a/1/")  # stored with the new version
    cache.delete(store.VERSION % "article-1")
    assert Client().get("/a/1/")["X-Page-Cache"] == "miss"


class _PurgeRecorder(http.server.BaseHTTPRequestHandler):
    received: list[tuple[str, str]] = []
    status = 200

    def do_PURGE(self):  # noqa: N802 - the HTTP method's name
        type(self).received.append((self.command, self.headers.get("xkey-purge", "")))
        self.send_response(type(self).status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def varnish_stand_in():
    _PurgeRecorder.received = []
    _PurgeRecorder.status = 200
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _PurgeRecorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", _PurgeRecorder
    server.shutdown()


def test_purges_reach_each_shared_cache_in_batches(settings, varnish_stand_in, monkeypatch):
    address, recorder = varnish_stand_in
    settings.NEWSROOM = {**settings.NEWSROOM, "PURGE": [address]}
    monkeypatch.setattr(purge, "KEYS_PER_REQUEST", 2)
    purge_now(["article-1", "home", "tag-3"])
    assert recorder.received == [("PURGE", "article-1 home"), ("PURGE", "tag-3")]


def test_a_failing_shared_cache_never_fails_the_write_and_is_retried(
    settings, varnish_stand_in, monkeypatch, caplog
):
    address, recorder = varnish_stand_in
    recorder.status = 503
    settings.NEWSROOM = {**settings.NEWSROOM, "PURGE": [address]}
    started = []
    monkeypatch.setattr(purge, "_retry_in_background", lambda *args: started.append(args))
    Client().get("/a/1/")
    purge_now(["article-1"])  # raises nothing
    assert Client().get("/a/1/")["X-Page-Cache"] == "miss"  # this app's copy went anyway
    assert "retrying" in caplog.text and len(started) == 1
    recorder.status = 200
    assert purge._retry(*started[0], delays=[0, 0]) is True
    assert recorder.received[-1] == ("PURGE", "article-1")


def test_a_purge_given_up_is_logged_as_an_error(settings, caplog):
    assert purge._retry("http://127.0.0.1:9", ["article-1"], delays=[0]) is False
    assert "given up" in caplog.text


def test_log_target_logs_the_keys(settings, caplog):
    import logging

    settings.NEWSROOM = {**settings.NEWSROOM, "PURGE": ["log"]}
    with caplog.at_level(logging.INFO, logger="newsroom.pagecache"):
        purge_now(["home", "article-1"])
    assert "purge article-1 home" in caplog.text
