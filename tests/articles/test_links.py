"""url_for() and language_versions give exactly what reverse() and translate_url() give."""

from datetime import UTC, datetime

import pytest
from django.test import RequestFactory, override_settings
from django.urls import NoReverseMatch, include, path, reverse, set_script_prefix, translate_url
from django.utils import translation

from articles.links import url_for
from articles.models import Article, Author, Section, Tag
from articles.templatetags.articles_tags import language_versions

# The URLconf of test_an_overridden_urlconf_is_followed: the reader's names elsewhere.
urlpatterns = [path("ailleurs/", include("articles.urls"))]

SLUGS = [
    "ete",
    "été-à-paris",
    "Москва-новости",
    "αθήνα",
    "東京-2026",
    "القاهرة",
    "2026",
    "a_b-c_1",
    "--",
    "_",
    "ÉTÉ",
    "x" * 200,
]
NAMES = ["articles:section", "articles:tag", "articles:author", "articles:section_feed"]


@pytest.fixture
def script_prefix():
    yield set_script_prefix
    set_script_prefix("/")


def same(viewname, **kwargs):
    expected = reverse(viewname, kwargs=kwargs)
    assert url_for(viewname, **kwargs) == expected
    return expected


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("slug", SLUGS)
def test_url_for_equals_reverse(language, slug):
    with translation.override(language):
        for name in NAMES:
            same(name, slug=slug)
        same("articles:detail", year=2026, month=11, slug=slug)
        same("articles:detail", year="0999", month="1", slug=slug)
        same("comments:post", article_id=7)
        same("articles:index")


def test_url_for_follows_the_active_language():
    assert same("articles:section", slug="été") == "/rubrique/%C3%A9t%C3%A9/"
    with translation.override("en"):
        assert same("articles:section", slug="été") == "/en/rubrique/%C3%A9t%C3%A9/"
    assert same("articles:section", slug="été") == "/rubrique/%C3%A9t%C3%A9/"


@pytest.mark.parametrize("prefix", ["/journal/", "/journal/édition 2/", "/50%/"])
def test_url_for_follows_the_script_prefix(script_prefix, prefix):
    same("articles:tag", slug="ville")  # a shape for "/" first
    script_prefix(prefix)
    for language in ["fr", "en"]:
        with translation.override(language):
            url = same("articles:tag", slug="ville")
            assert url.startswith(reverse("articles:index"))
            same("articles:detail", year=2026, month=1, slug="Москва")
    script_prefix("/")
    assert same("articles:tag", slug="ville") == "/sujet/ville/"


def test_an_overridden_urlconf_is_followed():
    same("articles:section", slug="sport")
    with override_settings(ROOT_URLCONF=__name__):
        assert same("articles:section", slug="sport") == "/ailleurs/rubrique/sport/"
    assert same("articles:section", slug="sport") == "/rubrique/sport/"


def outcome(function, *args, **kwargs):
    try:
        return function(*args, **kwargs)
    except NoReverseMatch as error:
        return type(error)


@pytest.mark.parametrize("slug", ["a b", "a/b", "a.b", "", "é?", "a\n", None, 12, 1.5])
def test_odd_values_give_what_reverse_gives(slug):
    for name in ["articles:section", "articles:detail"]:
        kwargs = (
            {"slug": slug} if name == "articles:section" else {"year": 1, "month": 2, "slug": slug}
        )
        assert outcome(url_for, name, **kwargs) == outcome(reverse, name, kwargs=kwargs)


@pytest.mark.parametrize(
    "kwargs",
    [{}, {"slug": "x", "extra": 1}, {"year": "20x6", "month": 1, "slug": "x"}, {"year": -1}],
)
def test_wrong_arguments_fail_like_reverse(kwargs):
    assert outcome(reverse, "articles:detail", kwargs=kwargs) is NoReverseMatch
    assert outcome(url_for, "articles:detail", **kwargs) is NoReverseMatch


@pytest.mark.parametrize("language", ["fr", "en"])
def test_models_link_to_what_reverse_gives(language):
    published_at = datetime(2026, 11, 30, 22, 30, tzinfo=UTC)  # 23:30 in Paris
    with translation.override(language):
        for slug in SLUGS:
            article = Article(slug=slug, published_at=published_at)
            assert article.get_absolute_url() == reverse(
                "articles:detail", kwargs=article.url_kwargs()
            )
            for model, name in [(Section, "section"), (Tag, "tag"), (Author, "author")]:
                assert model(slug=slug).get_absolute_url() == reverse(
                    f"articles:{name}", kwargs={"slug": slug}
                )


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
