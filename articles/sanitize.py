"""The one place that decides which HTML survives from editors.

Every sanitizing call in Newsroom goes through this module, so the library behind it
(bleach today) can be swapped by editing this file alone.
"""

import re
from html import escape
from urllib.parse import urlsplit

import bleach
from bleach.linkifier import Linker, build_url_re

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
    }
)
ALLOWED_ATTRIBUTES = {
    "a": ["href", "title", "rel"],
    "img": ["src", "alt", "width", "height"],
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


def clean_html(html: str) -> str:
    """Keep only the allow-listed tags, attributes and URL schemes; drop the rest."""
    cleaned = bleach.clean(
        _UNREADABLE.sub("", _CONTROLS.sub("", html or "")),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        protocols=ALLOWED_PROTOCOLS,
        strip=True,
        strip_comments=True,
    )
    return _linker.linkify(cleaned)


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
