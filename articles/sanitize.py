"""The one place that decides which HTML survives from editors.

Every sanitizing call in Newsroom goes through this module, so the library behind it
(bleach today) can be swapped by editing this file alone.
"""

import re
from collections.abc import Callable, Mapping
from functools import partial
from html import escape
from urllib.parse import urlsplit

import bleach
from bleach.html5lib_shim import Filter
from bleach.linkifier import Linker, build_url_re
from bleach.sanitizer import Cleaner

ALLOWED_TAGS = frozenset(
    {
        "p",
        "br",
        "a",
        "em",
        "strong",
        "i",
        "b",
        "blockquote",
        "ul",
        "ol",
        "li",
        "h2",
        "h3",
        "figure",
        "figcaption",
        "img",
        "cite",
        "q",
        "sub",
        "sup",
        # Tables: a header row, cells, and a caption (kept from imports and pastes).
        "table",
        "caption",
        "thead",
        "tbody",
        "tfoot",
        "tr",
        "th",
        "td",
        # Code and preformatted text, line breaks kept (the editor's code block).
        "pre",
        "code",
    }
)
ALLOWED_ATTRIBUTES = {
    # id only as the anchors of footnotes (see _NoteAnchors).
    "a": ["href", "title", "rel", "id"],
    "li": ["id"],
    # srcset, sizes and loading are only ever written by _LibraryPictures, from the
    # library's own renditions; data-file is the library picture's id.
    "img": ["src", "alt", "width", "height", "data-file", "srcset", "sizes", "loading", "decoding"],
    "blockquote": ["cite"],
    "ol": ["start", "type"],
    "th": ["colspan", "rowspan", "scope"],
    "td": ["colspan", "rowspan"],
}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})

# The admin editor's toolbar (django-prose-editor extensions): it offers exactly what the
# allow-list above keeps, so nothing an editor makes is lost on save (a test holds them equal).
EDITOR_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Subscript": True,
    "Superscript": True,
    "Heading": {"levels": [2, 3]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "HardBreak": True,
    "Link": {"enableTarget": False, "protocols": sorted(ALLOWED_PROTOCOLS)},
    # Tables with a header row (the "Insert a table" dialog asks for it), cells merged or
    # split from the toolbar.
    "Table": True,
    "TableRow": True,
    "TableHeader": True,
    "TableCell": True,
    # Pictures from the library, with a caption: the picture button opens the library's
    # chooser (its address is set by the article form), and save fills in the renditions
    # (_LibraryPictures).
    "Figure": True,
    "Caption": True,
    "Image": True,
    # Code and preformatted text (a recipe's quantities, a council vote's tally, code in a
    # tech column): <pre><code>, every line break kept.
    "CodeBlock": True,
}


# Elements whose content is code or a foreign document, never text for readers: removed
# with their content (bleach alone would keep "alert(1)" as visible text).
_UNREADABLE = re.compile(
    r"<(script|style|template|noscript|iframe|object|svg|math|head|title)\b[^>]*>.*?</\1\s*>",
    re.IGNORECASE | re.DOTALL,
)


# Control characters but tab and line breaks: no text holds them, and the HTML parser reads
# some of them differently on a second pass (a form feed became "?"), so they go first.
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


# Given the ids of the library pictures a body shows, what each one's <img> carries.
PictureLookup = Callable[[set[str]], Mapping[str, Mapping[str, str]]]
_LIBRARY_ONLY = ("srcset", "sizes", "loading", "decoding")


class _LibraryPictures(Filter):
    """A body picture from the library (`<img data-file="id">`, as the editor's picture
    chooser inserts it) takes its renditions from the library, and its alt text where the
    body has none. No other picture keeps a srcset: only the library's files may fill it."""

    def __init__(self, source, pictures: PictureLookup):
        super().__init__(source)
        self.pictures = pictures

    def __iter__(self):
        tokens = list(super().__iter__())
        images = [t for t in tokens if t["type"] == "EmptyTag" and t["name"] == "img"]
        ids = {str(t["data"].get((None, "data-file"), "")) for t in images} - {""}
        found = self.pictures(ids) if ids else {}
        for image in images:
            attributes = image["data"]
            for name in _LIBRARY_ONLY:
                attributes.pop((None, name), None)
            picture = found.get(attributes.get((None, "data-file"), ""))
            if picture is None:
                attributes.pop((None, "data-file"), None)
                continue
            alt = attributes.get((None, "alt"), "").strip() or picture["alt"]
            for name, value in picture.items():
                attributes[(None, name)] = value
            attributes[(None, "alt")] = alt
            attributes[(None, "loading")] = "lazy"
            attributes[(None, "decoding")] = "async"
        yield from tokens


_PRE_BREAK = re.compile(r"(<pre\b[^>]*>)\n")
_NOTE_ID = re.compile(r"note-\d{1,4}(?:-ref)?")


class _NoteAnchors(Filter):
    """Ids are kept only as footnote anchors (`note-3` on the note, `note-3-ref` on its call),
    so a body cannot take the id of anything else on the page."""

    def __iter__(self):
        for token in super().__iter__():
            if token["type"] in {"StartTag", "EmptyTag"}:
                value = token["data"].get((None, "id"))
                if value is not None and not _NOTE_ID.fullmatch(value):
                    del token["data"][(None, "id")]
            yield token


def clean_html(html: str, *, pictures: PictureLookup | None = None) -> str:
    """Keep only the allow-listed tags, attributes and URL schemes; drop the rest. Library
    pictures take their renditions from `pictures` (see _LibraryPictures); without it,
    pictures keep the attributes they have."""
    cleaner = Cleaner(
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        protocols=ALLOWED_PROTOCOLS,
        strip=True,
        strip_comments=True,
        filters=[_NoteAnchors]
        + ([] if pictures is None else [partial(_LibraryPictures, pictures=pictures)]),
    )
    cleaned = cleaner.clean(_UNREADABLE.sub("", _CONTROLS.sub("", html or "")))
    # An HTML parser drops the line break right after <pre>: it is written twice (as the
    # HTML standard's serializer does) after each of the two parses, so the text stays.
    cleaned = _linker.linkify(_PRE_BREAK.sub("\\1\n\n", cleaned))
    return _PRE_BREAK.sub("\\1\n\n", cleaned)


class _Collect(Filter):
    def __init__(self, source, into: list):
        super().__init__(source)
        self.into = into

    def __iter__(self):
        for token in super().__iter__():
            if token["type"] == "EmptyTag" and token["name"] == "img":
                self.into.append({name: value for (_, name), value in token["data"].items()})
            yield token


def images_in(html: str) -> list[dict[str, str]]:
    """The attributes of every picture the cleaned `html` keeps, in order."""
    found: list[dict[str, str]] = []
    Cleaner(
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        protocols=ALLOWED_PROTOCOLS,
        strip=True,
        filters=[partial(_Collect, into=found)],
    ).clean(_UNREADABLE.sub("", _CONTROLS.sub("", html or "")))
    return found


def _link_policy(attrs: dict, new: bool = False) -> dict | None:
    if new:
        # Bare URLs in an editor's text stay text: links are an editorial choice.
        return None
    href = attrs.get((None, "href"), "")
    if urlsplit(href).scheme in {"http", "https"}:
        rel = set(attrs.get((None, "rel"), "").split()) | {"noopener"}
        attrs[(None, "rel")] = " ".join(sorted(rel))
    return attrs


_linker = Linker(callbacks=[_link_policy], parse_email=False)


def strip_tags(html: str) -> str:
    """Plain text of an HTML fragment (for reading time, summaries and search)."""
    return bleach.clean(html or "", tags=set(), strip=True, strip_comments=True)


# Reader comments are plain text: nothing they type is HTML, only bare http(s) URLs become links.
_COMMENT_LINK_REL = "nofollow ugc noopener"


def _comment_link_policy(attrs: dict, new: bool = False) -> dict | None:
    if urlsplit(attrs.get((None, "href"), "")).scheme.lower() not in {"http", "https"}:
        return None
    attrs[(None, "rel")] = _COMMENT_LINK_REL
    return attrs


_comment_linker = Linker(
    url_re=build_url_re(protocols=["http", "https"]),
    callbacks=[_comment_link_policy],
    parse_email=False,
)


def render_comment_text(text: str) -> str:
    """A reader's plain text as HTML: all of it escaped, paragraphs, line breaks, URLs linked."""
    paragraphs = [part.strip() for part in re.split(r"\n\s*\n", text or "") if part.strip()]
    html = "".join(f"<p>{'<br>'.join(escape(part).splitlines())}</p>" for part in paragraphs)
    return _comment_linker.linkify(html)
