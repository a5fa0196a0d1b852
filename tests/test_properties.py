"""Properties that hold for any text readers or editors send, hostile text included.

Hypothesis draws random and hostile strings (bidirectional controls, NUL, lone surrogates,
`-->`, `"]}-->`, `</script>`, megabyte strings) and checks what must always hold: no
reader page answers 500, nothing typed ever comes back as markup, and cleaning is stable
(cleaning twice changes nothing).
"""

import json
import re
from contextlib import contextmanager
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import quote, unquote, urlencode

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.core.validators import validate_unicode_slug
from django.db import transaction
from django.test import Client, override_settings
from django.urls import resolve, reverse
from django.utils import timezone
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from articles.models import Article, ShareLink
from articles.sanitize import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, clean_html, render_comment_text
from articles.sanitize import strip_tags as strip_html
from articles.text import INVISIBLE, make_slug, single_line
from comments.forms import CommentForm, plain_text
from comments.models import Comment
from search import clean_query
from tests.comments.conftest import form_data
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory
from website.converters import UnicodeSlugConverter

# Shared by every property: no deadline (a megabyte string takes its time), and
# function-scoped fixtures allowed (each example builds or rolls back what it needs).
PROPERTY = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)

MEGABYTE = 1_000_000
BIDI_CONTROLS = [chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))]
# Markup that becomes an element if anything prints a reader's text raw. Each injected
# element carries the class "pwned", so parsing a page tells it from the site's own.
INJECTIONS = [
    "<script class=pwned>alert(1)</script>",
    "</script><script class=pwned>alert(1)</script>",
    "<img src=x onerror=alert(1) class=pwned>",
    '"><b class=pwned>',
    "'><b class=pwned>",
    "--><b class=pwned>",
    '"]}--><b class=pwned>',
    "</textarea><b class=pwned>",
    "</title><b class=pwned>",
    "</bdi></p><b class=pwned>",
    "<svg onload=alert(1) class=pwned>",
    '<a href="javascript:alert(1)" class=pwned>x</a>',
    "<!--<b class=pwned>-->",
    "<![CDATA[<b class=pwned>]]>",
    "&lt;b class=pwned&gt;",
]
HOSTILE_PIECES = [
    *INJECTIONS,
    *BIDI_CONTROLS,
    "\x00",
    "\ud800",
    "\udfff",
    "-->",
    '"]}-->',
    "</script>",
    "<!--",
    "\r\n",
    "\n\n",
    "\u2028",
    "\ufeff",
    "\u200b",
    "&amp;",
    "&#0;",
    "&#x202e;",
    "{{ request }}",
    "{% debug %}",
    "%(name)s",
    "javascript:alert(1)",
    'https://example.org/a?b=<c>&d="e"\'',
    "www.example.org",
    "🔥",
    "É",
    "ǅ",
    "ﬁ",
    "İ",
    "ẞ",
    "  ",
]
ANY_CHARACTER = st.one_of(
    st.characters(),
    st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF),  # lone surrogates
    st.sampled_from([*BIDI_CONTROLS, "\x00", "\x0b", "\x1b", "\x7f", "\x85"]),
)


def hostile_text(max_pieces: int = 10, *, surrogates: bool = True) -> st.SearchStrategy[str]:
    """Random text and hostile pieces, run together."""
    pieces = st.one_of(st.text(ANY_CHARACTER, max_size=20), st.sampled_from(HOSTILE_PIECES))
    text = st.lists(pieces, max_size=max_pieces).map("".join)
    return text if surrogates else text.map(without_surrogates)


def without_surrogates(text: str) -> str:
    """What an HTTP client can send, or a form deliver: lone surrogates are not UTF-8."""
    return text.encode("utf-8", "replace").decode("utf-8")


# HTML fragments such as editors paste: any tag, any attribute, hostile URLs, nested.
HTML_TAGS = sorted(ALLOWED_TAGS | {"script", "style", "svg", "math", "iframe", "div", "form"})
HTML_ATTRIBUTES = ["href", "src", "cite", "title", "rel", "onclick", "onerror", "style", "class"]
URL_VALUES = [
    "javascript:alert(1)",
    " JaVaScRiPt:alert(1)",
    "java\x00script:alert(1)",
    "jav&#x09;ascript:alert(1)",
    "&#106;avascript:alert(1)",
    "vbscript:msgbox(1)",
    "data:text/html;base64,PHNjcmlwdD4=",
    "https://example.org/?a=1&b=2",
    "/relative",
    "mailto:redaction@example.org",
    '"><script>alert(1)</script>',
]
html_fragments = st.recursive(
    hostile_text(4),
    lambda inner: st.builds(
        "<{0} {1}={2}>{3}</{0}>".format,
        st.sampled_from(HTML_TAGS),
        st.sampled_from(HTML_ATTRIBUTES),
        st.one_of(st.sampled_from(URL_VALUES), hostile_text(2)).map(json.dumps),
        st.lists(inner, max_size=3).map("".join),
    ),
    max_leaves=8,
)


class PageParser(HTMLParser):
    """Every element of a page with its attributes, the content of its scripts, and the
    text of the elements with the classes or ids asked for (`<br>` a line, `</p>` a
    paragraph)."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}

    def __init__(self, text_of: tuple[str, ...] = ()):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self.texts: dict[str, list[str]] = {name: [] for name in text_of}
        self._depth = 0
        self._collecting: list[tuple[str, int, list[str]]] = []
        self._script: dict[str, str | None] | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.elements.append((tag, attributes))
        if tag == "script":
            self._script = attributes
            self.scripts.append((attributes, ""))
        if tag == "br":
            self._add("\n")
        if tag in self.VOID:
            return
        self._depth += 1
        for name in [*(attributes.get("class") or "").split(), attributes.get("id")]:
            if name in self.texts:
                self._collecting.append((name, self._depth, []))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag == "script":
            self._script = None
        if tag == "p":
            self._add("\n\n")
        if tag in self.VOID:
            return
        while self._collecting and self._collecting[-1][1] == self._depth:
            name, _depth, parts = self._collecting.pop()
            self.texts[name].append("".join(parts))
        self._depth -= 1

    def handle_data(self, data):
        if self._script is not None:
            attributes, content = self.scripts[-1]
            self.scripts[-1] = (attributes, content + data)
        self._add(data)

    def _add(self, data: str) -> None:
        for _name, _depth, parts in self._collecting:
            parts.append(data)


def parse(html: str, *text_of: str) -> PageParser:
    parser = PageParser(text_of)
    parser.feed(html)
    parser.close()
    return parser


def words(text: str) -> list[str]:
    return text.split()


def url_is_harmless(value: str | None) -> bool:
    # Browsers ignore leading spaces and controls, and tabs or newlines inside a scheme.
    squeezed = re.sub(r"[\x00-\x20]", "", value or "").lower()
    return not squeezed.startswith(("javascript:", "vbscript:", "data:"))


def assert_no_markup_from_readers(html: str) -> PageParser:
    """The page holds only the site's own elements: nothing injected, no inline script,
    no event handler, no script URL; its JSON-LD still parses."""
    page = parse(html)
    for tag, attributes in page.elements:
        assert "pwned" not in (attributes.get("class") or "").split(), (tag, attributes)
        assert not [name for name in attributes if name.startswith("on")], (tag, attributes)
        for name in ("href", "src", "action", "formaction"):
            assert url_is_harmless(attributes.get(name)), (tag, attributes)
    for attributes, content in page.scripts:
        if attributes.get("type") == "application/ld+json":
            json.loads(content)
        else:
            assert (attributes.get("src") or "").startswith(django_settings.STATIC_URL)
            assert not content.strip(), content[:200]
    return page


@contextmanager
def rolled_back():
    """Whatever one example writes is gone before the next one starts."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def encoded(data: dict[str, str]) -> bytes:
    """A form body as a careless or hostile client sends it: lone surrogates included,
    as the invalid UTF-8 bytes they would be."""
    return urlencode(data, encoding="utf-8", errors="surrogatepass").encode("ascii")


# The sanitizer (articles/sanitize.py)


@settings(PROPERTY, max_examples=300)
@given(html=st.one_of(html_fragments, hostile_text()))
@example(html="<p>" + "<script>alert(1)</script>é\u202e\x00\ud800" * (MEGABYTE // 40) + "</p>")
@example(html="<a href='java\x00script:alert(1)'>x</a><p title='\udfff'>\ud800</p>")
@example(html="0<!--<b class=pwned>-->\x0c0")  # the form feed read as "?" on a second pass
def test_cleaned_html_keeps_only_allowed_markup_and_is_stable(html):
    cleaned = clean_html(html)
    assert "<script" not in cleaned.lower()
    for tag, attributes in parse(cleaned).elements:
        assert tag in ALLOWED_TAGS, cleaned
        for name, value in attributes.items():
            assert name in ALLOWED_ATTRIBUTES.get(tag, []), (tag, name, cleaned)
            if name in {"href", "src", "cite"}:
                assert url_is_harmless(value), (tag, name, cleaned)
    assert clean_html(cleaned) == cleaned


@settings(PROPERTY, max_examples=200)
@given(html=st.one_of(html_fragments, hostile_text()))
@example(html="<b>" + "</script>\x00" * (MEGABYTE // 10))
def test_plain_text_of_html_has_no_markup_and_is_stable(html):
    text = strip_html(html)
    assert parse(text).elements == []
    assert strip_html(text) == text


@settings(PROPERTY, max_examples=300)
@given(typed=hostile_text())
@example(typed='http://example.org/<script>alert(1)</script> "]}--> ' * 1000)
def test_comment_text_shows_as_typed_with_only_paragraphs_breaks_and_safe_links(typed):
    text = plain_text(without_surrogates(typed))
    html = render_comment_text(text)
    page = parse(f'<div class="comment__text">{html}</div>', "comment__text")
    for tag, attributes in page.elements[1:]:
        assert tag in {"p", "br", "a"}, html
        if tag == "a":
            assert set(attributes) == {"href", "rel"}, html
            assert attributes["href"].lower().startswith(("http://", "https://")), html
            assert attributes["rel"] == "nofollow ugc noopener"
    assert words(page.texts["comment__text"][0]) == words(text)


# Single-line text: headlines, names, captions (articles/text.py, comments/forms.py)


@settings(PROPERTY, max_examples=300)
@given(value=hostile_text())
@example(value="\u202eevil\u202c\x00" * (MEGABYTE // 7))
def test_single_line_text_has_no_controls_or_bidi_and_is_stable(value):
    line = single_line(value)
    assert not INVISIBLE.search(line)
    assert "\n" not in line and "\t" not in line
    assert line == line.strip() and "  " not in line
    assert single_line(line) == line


@settings(PROPERTY, max_examples=200)
@given(name=hostile_text(6, surrogates=False), text=hostile_text(surrogates=False))
@example(name="Camille\u202e\u2066\x00", text="<script>alert(1)</script>\x00\u2069")
def test_comment_form_cleaning_drops_invisible_characters_and_is_stable(name, text):
    article = Article(pk=1)

    def cleaned(name, text):
        form = CommentForm(form_data(article, name=name, text=text), article=article)
        form.is_valid()
        return {key: form.cleaned_data.get(key) for key in ("name", "text")}, form.errors

    once, errors = cleaned(name, text)
    for key, value in once.items():
        if value is None:
            assert key in errors
            continue
        assert not INVISIBLE.search(value), (key, value)
    if None not in once.values():
        assert cleaned(once["name"], once["text"])[0] == once


# Slugs (articles/text.py, website/converters.py)


@settings(PROPERTY, max_examples=300)
@given(headline=hostile_text())
@example(headline="\ud800")
@example(headline="🔥🔥")
@example(headline="ǅ ẞ ﬁnance")  # was "d-ß-fnance", then "d-ss-fnance" on the next save
@example(headline="é\u0301 ᴭ ꟹ")  # stacked accents and compatibility letters
@example(headline="É" * MEGABYTE)
def test_slug_of_any_headline_is_a_stable_routable_slug(headline):
    slug = make_slug(headline, max_length=196)
    assert 0 < len(slug) <= 196
    assert re.fullmatch(UnicodeSlugConverter.regex, slug)
    validate_unicode_slug(slug)
    assert make_slug(slug) == slug
    url = reverse("articles:detail", kwargs={"year": 2024, "month": 5, "slug": slug})
    match = resolve(unquote(url))
    assert (match.url_name, match.kwargs["slug"]) == ("detail", slug)


@pytest.mark.django_db
@settings(PROPERTY, max_examples=25)
@given(headline=hostile_text(surrogates=False).map(lambda text: text[:250]))
@example(headline='</script><script class=pwned>alert(1)</script> "]}--> \u202e\x00')
def test_article_with_any_headline_is_found_at_its_address_and_keeps_it(headline):
    with rolled_back():
        article = ArticleFactory(title=headline, slug="")
        address = article.get_absolute_url()
        article.save()  # saving again must not move it
        assert article.get_absolute_url() == address
        response = Client().get(address)
        assert response.status_code == 200
        page = assert_no_markup_from_readers(response.text)
        article.refresh_from_db()
        assert article.title == single_line(headline)  # NUL and bidi controls gone
        headlines = [
            data["headline"]
            for attributes, content in page.scripts
            if attributes.get("type") == "application/ld+json"
            and "headline" in (data := json.loads(content))
        ]
        # The headline as typed (shortened for search engines when long).
        assert len(headlines) == 1
        assert article.title.startswith(headlines[0].removesuffix("…"))


# Posting comments (website/comment_views.py) and the pages that show them


JUNK = hostile_text(3)


def around_a_word(hostile: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Hostile text with a word in it, which the form cannot find empty."""
    word = st.sampled_from(["Camille", "Élysée", "Київ", "東京", "نص", "🔥"])
    return st.tuples(hostile, word, hostile).map("".join)


def mostly(valid: st.SearchStrategy[str], junk: st.SearchStrategy[str] = JUNK):
    """Three times in four a value the form accepts, else junk."""
    return st.sampled_from([valid, valid, valid, junk]).flatmap(lambda strategy: strategy)


@pytest.fixture
def page_cache_on():
    newsroom = {**django_settings.NEWSROOM, "PAGE_CACHE_SECONDS": 300}
    with override_settings(NEWSROOM=newsroom):
        yield


@pytest.mark.django_db
@settings(PROPERTY, max_examples=30)
@given(
    # Short enough that most names pass the form and show on the page (longer ones: @example).
    name=around_a_word(hostile_text(2)).map(lambda name: name[:80]),
    text=around_a_word(hostile_text(5)),
    # Mostly what the form accepts, so that most comments are saved and shown; junk too.
    email=mostly(st.sampled_from(["camille@example.org", " Camille@Example.ORG "])),
    website=mostly(
        st.sampled_from(
            [
                "",
                'https://example.org/"><b/class=pwned>',
                "https://example.org/'onmouseover='alert(1)",
                "https://example.org/?q=<script>",
                "example.org/</a><b/class=pwned>",
            ]
        ),
        junk=st.one_of(st.sampled_from(["javascript:alert(1)", "ftp://example.org/"]), JUNK),
    ),
    parent=mostly(st.just(""), junk=st.sampled_from(["-1", "0", "9" * 30, "9" * 5000, "1 OR 1"])),
)
@example(
    name='"]}--> </script><script class=pwned>',
    text="--> <img src=x onerror=alert(1) class=pwned> \u202e\x00 </textarea><b class=pwned>",
    email="camille@example.org",
    website="",
    parent="",
)
@example(name="\u202e\x00", text="\u2066 \x00\r\n", email="", website="", parent="")
@example(name="Camille", text="a" * MEGABYTE, email="camille@example.org", website="", parent="")
@example(name="Camille", text="<" * MEGABYTE, email="camille@example.org", website="", parent="")
@example(name="n" * MEGABYTE, text="Bonjour", email="camille@example.org", website="", parent="")
def test_any_comment_is_answered_without_error_and_shown_only_as_text(
    page_cache_on, name, text, email, website, parent
):
    cache.clear()  # rate limits and stored pages start afresh
    with rolled_back():
        article = ArticleFactory(title="Le tramway arrive en ville")
        data = form_data(article, name=name, text=text, email=email, website=website)
        data["parent"] = parent
        body = encoded(data)
        response = Client().post(
            reverse("comments:post", args=[article.pk]),
            body,
            content_type="application/x-www-form-urlencoded",
        )
        assert response.status_code in {302, 400, 403, 429}, response.status_code
        comment = Comment.objects.filter(article=article).first()
        event(f"answered {response.status_code}, {'a comment' if comment else 'no comment'}")
        if len(body) > django_settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            # Refused by Django before the form is read (robots only: the field has a maxlength).
            assert (response.status_code, comment) == (400, None)
            assert b"Bad Request" in response.content
            return
        if response.status_code != 302:
            # The form again, saying what is wrong, with the reader's own words as text only.
            assert comment is None
            sent = response.wsgi_request.POST
            page = assert_no_markup_from_readers(response.text)
            assert 'class="error-summary"' in response.text
            fields = {a.get("name"): a for tag, a in page.elements if tag == "input"}
            assert fields["name"].get("value", "") == sent["name"]
            textarea = parse(response.text, "comment-text").texts["comment-text"]
            assert textarea == [f"\n{sent['text']}"]
            return
        if comment is None:  # the honeypot or a duplicate: nothing to show
            return
        assert not INVISIBLE.search(comment.name + comment.text)
        Comment.objects.filter(pk=comment.pk).update(status=Comment.Status.APPROVED)
        url = article.get_absolute_url()
        # The article page stored, then served from the page cache; the reply form; the
        # conversation view.
        addresses = [url, url, f"{url}?reply={comment.pk}", f"{url}?conversation={comment.pk}"]
        cached = []
        for address in addresses:
            shown = Client().get(address)
            assert shown.status_code == 200, address
            cached.append(shown.get("X-Page-Cache"))
            assert_no_markup_from_readers(shown.text)
            page = parse(shown.text, "comment__text", "comment__author")
            assert words(page.texts["comment__text"][0]) == words(comment.text)
            assert page.texts["comment__author"][0] == comment.name
        assert cached[:2] == ["miss", "hit"]


# Every reader address (website/urls.py, website/comment_urls.py, newsroom/urls.py)


@pytest.fixture
def newsroom(db):
    """One of everything a reader address can name."""
    author = AuthorFactory(name="Camille Martin", slug="camille-martin")
    article = ArticleFactory(
        section=SectionFactory(slug="ville"), authors=[author], tags=["Tramway"]
    )
    draft = ArticleFactory(status=Article.Status.DRAFT, published_at=None)
    ShareLink.objects.create(
        article=draft, token="jeton-valide", expires_at=timezone.now() + timedelta(days=1)
    )
    Comment.objects.create(
        article=article,
        name="Lecteur",
        email="lecteur@example.org",
        text="Un avis.",
        status="approved",
    )
    return article


ADDRESSES = [
    "/rubrique/{}/",
    "/sujet/{}/",
    "/auteur/{}/",
    "/rubrique/{}/flux/",
    "/rubrique/{}/flux/atom/",
    "/sujet/{}/flux/",
    "/sujet/{}/flux/atom/",
    "/auteur/{}/flux/",
    "/auteur/{}/flux/atom/",
    "/apercu/{}/",
    "/2024/05/{}/",
    "/sitemap-{}.xml",
    "/commentaires/{}/",
    "/commentaires/{}/jetons/",
    "/{}/",
    "/{}",
]
QUERY_ADDRESSES = [
    "/",
    "/recherche/",
    "/rubrique/ville/",
    "/sujet/tramway/",
    "/auteur/camille-martin/",
    "/flux/",
    "/flux/atom/",
    "/sitemap.xml",
    "/sitemap-news.xml",
    "/sitemap-articles.xml",
    "/robots.txt",
    "/apercu/jeton-valide/",
    "ARTICLE",
]
QUERY_NAMES = ["q", "page", "p", "page_id", "commentaires", "conversation", "reply", "utm_source"]


def get(address: str):
    response = Client().get(address)
    assert response.status_code < 500, (address[:300], response.status_code)
    event(f"answered {response.status_code}")
    if response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
        assert_no_markup_from_readers(response.text)
    return response


def quoted(segment: str) -> str:
    return quote(segment.encode("utf-8", "surrogatepass"), safe="")


@settings(PROPERTY, max_examples=60)
@given(
    pattern=st.sampled_from(ADDRESSES),
    segment=st.one_of(hostile_text(4), st.sampled_from(["ville", "tramway", "camille-martin"])),
    english=st.booleans(),
)
@example(pattern="/apercu/{}/", segment="\x00", english=False)  # was a 500 on PostgreSQL
@example(pattern="/sujet/{}/", segment="é" * MEGABYTE, english=False)
@example(pattern="/apercu/{}/", segment="jeton-valide\x00\ud800", english=True)
def test_any_path_segment_is_answered_without_error(newsroom, pattern, segment, english):
    get(("/en" if english else "") + pattern.format(quoted(segment)))


@settings(PROPERTY, max_examples=60)
@given(
    address=st.sampled_from(QUERY_ADDRESSES),
    query=st.dictionaries(st.sampled_from(QUERY_NAMES), hostile_text(4), min_size=1, max_size=3),
    english=st.booleans(),
)
@example(address="/", query={"p": "\x00"}, english=False)
@example(address="/recherche/", query={"q": "<b class=pwned>" * MEGABYTE}, english=False)
@example(address="ARTICLE", query={"reply": "9" * 5000, "commentaires": "\x00"}, english=False)
@example(address="/rubrique/ville/", query={"page": "9" * 5000}, english=False)
def test_any_query_string_is_answered_without_error(newsroom, address, query, english):
    address = newsroom.get_absolute_url() if address == "ARTICLE" else address
    prefix = "/en" if english else ""
    get(f"{prefix}{address}?{urlencode(query, encoding='utf-8', errors='surrogatepass')}")


@settings(PROPERTY, max_examples=60)
@given(q=hostile_text(), page=st.one_of(st.none(), hostile_text(2)))
@example(q='"]}--> </script><script class=pwned>alert(1)</script>', page=None)
@example(q="tramway \u202e\x00\ud800 -->", page="0")
@example(q="é" * MEGABYTE, page="last")
def test_search_echoes_the_query_escaped(newsroom, q, page):
    query = {"q": q} if page is None else {"q": q, "page": page}
    response = get(f"/recherche/?{urlencode(query, encoding='utf-8', errors='surrogatepass')}")
    assert response.status_code == 200
    typed = response.wsgi_request.GET["q"]
    box = next(a for tag, a in parse(response.text).elements if a.get("id") == "search-q")
    assert box["value"] == clean_query(typed)[0]
