"""The one place that decides which HTML survives from editors.

Every sanitizing call in Newsroom goes through this module, so the library behind it
(bleach today) can be swapped by editing this file alone.
"""

from urllib.parse import urlsplit

import bleach
from bleach.linkifier import Linker

ALLOWED_TAGS = frozenset(
    {"p", "br", "a", "em", "strong", "i", "b", "blockquote", "ul", "ol", "li", "h2", "h3",
     "figure", "figcaption", "img", "cite", "q", "sub", "sup"}
)
ALLOWED_ATTRIBUTES = {
    "a": ["href", "title", "rel"],
    "img": ["src", "alt", "width", "height"],
    "blockquote": ["cite"],
}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})


def clean_html(html: str) -> str:
    """Keep only the allow-listed tags, attributes and URL schemes; drop the rest."""
    cleaned = bleach.clean(
        html or "",
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
