"""language_versions gives exactly what translate_url() gives, for every kind of page."""

import pytest
from django.test import RequestFactory
from django.urls import set_script_prefix, translate_url
from django.utils import translation

from website.templatetags.articles_tags import language_versions


@pytest.fixture
def script_prefix():
    yield set_script_prefix
    set_script_prefix("/")


LANGUAGE_URLS = [
    "/",
    "/en/",
    "/rubrique/%C3%A9t%C3%A9/",
    "/en/rubrique/%C3%A9t%C3%A9/",
    "/rubrique/été/flux/atom/",
    "/sujet/москва/",
    "/auteur/jeanne-dupont/flux/",
    "/2026/11/article-1/",
    "/en/2026/11/article-1/?page=2&q=%C3%A9",
    "/2026/11/article-1/?utm_source=x#commentaires",
    "/recherche/?q=Москва",
    "/en/recherche/",
    "/apercu/abc.def:ghi/",
    "/flux/",
    "/commentaires/12/",
    "/en/commentaires/12/",
    "/admin/",
    "/admin/articles/article/",
    "/admin/articles/article/5/change/?_changelist_filters=status%3Ddraft",
    "/admin/login/?next=/admin/",
    "/i18n/setlang/",
    "/robots.txt",
    "/sitemap.xml",
    "/sitemap-news.xml",
    "/sitemap-politique.xml",
    "/favicon.ico",
    "/nulle-part/",
    "/en/nulle-part/",
    "/fr/rubrique/sport/",
    "/rubrique/a b/",
]


@pytest.mark.parametrize("active", ["fr", "en"])
@pytest.mark.parametrize("url", LANGUAGE_URLS)
def test_language_versions_equal_translate_url(active, url):
    request = RequestFactory().get(url)
    path = request.get_full_path()
    with translation.override(active):
        versions = language_versions({"request": request})
        assert [v["url"] for v in versions] == [translate_url(path, code) for code in ["fr", "en"]]
        assert [v["is_current"] for v in versions] == [active == "fr", active == "en"]


def test_language_versions_follow_the_script_prefix(script_prefix):
    script_prefix("/journal/")
    request = RequestFactory().get("/rubrique/sport/?page=2")
    versions = language_versions({"request": request})
    assert [v["url"] for v in versions] == [
        "/journal/rubrique/sport/?page=2",
        "/journal/en/rubrique/sport/?page=2",
    ]


def test_language_versions_without_a_request():
    versions = language_versions({})
    assert [v["url"] for v in versions] == [translate_url("/", code) for code in ["fr", "en"]]
