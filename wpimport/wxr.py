"""A streaming reader of WordPress exports (WXR 1.0 to 1.2) that refuses hostile XML.

The file is parsed with defusedxml's iterparse: entity declarations (the "billion laughs"
expansion) and external references (`file:///etc/passwd`) stop the parse, and each item is
cleared from memory once read, so a file of any size streams in constant memory.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree.ElementTree import Element, ParseError

from defusedxml import (
    DefusedXmlException,
    DTDForbidden,
    EntitiesForbidden,
    ExternalReferenceForbidden,
)
from defusedxml.ElementTree import iterparse

# WXR's namespaces change with its version (1.0, 1.1, 1.2) and sometimes use https.
_NAMESPACES = [
    (re.compile(r"^https?://wordpress\.org/export/1\.\d+/excerpt/?$"), "excerpt"),
    (re.compile(r"^https?://wordpress\.org/export/1\.\d+/?$"), "wp"),
    (re.compile(r"^https?://purl\.org/rss/1\.0/modules/content/?$"), "content"),
    (re.compile(r"^https?://purl\.org/dc/elements/1\.1/?$"), "dc"),
    (re.compile(r"^https?://wellformedweb\.org/CommentAPI/?$"), "wfw"),
]


class WXRError(Exception):
    """The file cannot be read as a WordPress export; the message says why, in plain words."""


@dataclass
class Channel:
    title: str = ""
    link: str = ""
    language: str = ""
    wxr_version: str = ""
    base_site_url: str = ""
    base_blog_url: str = ""


@dataclass
class Author:
    login: str
    wp_id: str = ""
    email: str = ""
    display_name: str = ""
    first_name: str = ""
    last_name: str = ""


@dataclass
class Term:
    """A category (`taxonomy="category"`), a tag (`"post_tag"`) or another taxonomy's term."""

    taxonomy: str
    slug: str
    name: str = ""
    term_id: str = ""
    parent: str = ""  # the parent's slug, for categories
    description: str = ""


@dataclass
class Comment:
    wp_id: str
    author: str = ""
    email: str = ""
    url: str = ""
    date: str = ""
    date_gmt: str = ""
    content: str = ""
    approved: str = ""
    type: str = ""
    parent: str = ""


@dataclass
class Item:
    """One `<item>`: a post, page, attachment, menu item or any other post type."""

    wp_id: str = ""
    post_type: str = ""
    title: str = ""
    link: str = ""
    guid: str = ""
    pub_date: str = ""
    creator: str = ""
    content: str = ""
    excerpt: str = ""
    post_date: str = ""
    post_date_gmt: str = ""
    post_modified: str = ""
    post_modified_gmt: str = ""
    post_name: str = ""
    status: str = ""
    parent: str = ""
    password: str = ""
    comment_status: str = ""
    is_sticky: str = ""
    attachment_url: str = ""
    # (domain, slug, name) of each <category> element: categories, tags, post formats…
    terms: list[tuple[str, str, str]] = field(default_factory=list)
    meta: dict[str, list[str]] = field(default_factory=dict)
    comments: list[Comment] = field(default_factory=list)
    missing: set[str] = field(default_factory=set)

    def first_meta(self, key: str) -> str:
        values = self.meta.get(key) or [""]
        return values[0]


def _prefixed(tag: str) -> str:
    """`{https://wordpress.org/export/1.2/}post_id` -> `wp:post_id`."""
    if not tag.startswith("{"):
        return tag
    namespace, _, local = tag[1:].partition("}")
    for pattern, prefix in _NAMESPACES:
        if pattern.match(namespace):
            return f"{prefix}:{local}"
    return f"{{{namespace}}}{local}"


def _text(element: Element | None) -> str:
    return "" if element is None else (element.text or "")


def _children(element: Element) -> dict[str, Element]:
    found: dict[str, Element] = {}
    for child in element:
        found.setdefault(_prefixed(child.tag), child)
    return found


def _author(element: Element) -> Author:
    c = _children(element)
    return Author(
        login=_text(c.get("wp:author_login")).strip(),
        wp_id=_text(c.get("wp:author_id")).strip(),
        email=_text(c.get("wp:author_email")).strip(),
        display_name=_text(c.get("wp:author_display_name")).strip(),
        first_name=_text(c.get("wp:author_first_name")).strip(),
        last_name=_text(c.get("wp:author_last_name")).strip(),
    )


def _category(element: Element) -> Term:
    c = _children(element)
    return Term(
        taxonomy="category",
        slug=_text(c.get("wp:category_nicename")).strip(),
        name=_text(c.get("wp:cat_name")).strip(),
        term_id=_text(c.get("wp:term_id")).strip(),
        parent=_text(c.get("wp:category_parent")).strip(),
        description=_text(c.get("wp:category_description")).strip(),
    )


def _tag(element: Element) -> Term:
    c = _children(element)
    return Term(
        taxonomy="post_tag",
        slug=_text(c.get("wp:tag_slug")).strip(),
        name=_text(c.get("wp:tag_name")).strip(),
        term_id=_text(c.get("wp:term_id")).strip(),
        description=_text(c.get("wp:tag_description")).strip(),
    )


def _term(element: Element) -> Term:
    c = _children(element)
    return Term(
        taxonomy=_text(c.get("wp:term_taxonomy")).strip(),
        slug=_text(c.get("wp:term_slug")).strip(),
        name=_text(c.get("wp:term_name")).strip(),
        term_id=_text(c.get("wp:term_id")).strip(),
        parent=_text(c.get("wp:term_parent")).strip(),
        description=_text(c.get("wp:term_description")).strip(),
    )


_ITEM_FIELDS = {
    "wp:post_id": "wp_id",
    "wp:post_type": "post_type",
    "title": "title",
    "link": "link",
    "guid": "guid",
    "pubDate": "pub_date",
    "dc:creator": "creator",
    "content:encoded": "content",
    "excerpt:encoded": "excerpt",
    "wp:post_date": "post_date",
    "wp:post_date_gmt": "post_date_gmt",
    "wp:post_modified": "post_modified",
    "wp:post_modified_gmt": "post_modified_gmt",
    "wp:post_name": "post_name",
    "wp:status": "status",
    "wp:post_parent": "parent",
    "wp:post_password": "password",
    "wp:comment_status": "comment_status",
    "wp:is_sticky": "is_sticky",
    "wp:attachment_url": "attachment_url",
}
_STRIPPED = {
    "wp_id",
    "post_type",
    "link",
    "guid",
    "pub_date",
    "creator",
    "post_date",
    "post_date_gmt",
    "post_modified",
    "post_modified_gmt",
    "post_name",
    "status",
    "parent",
    "comment_status",
    "is_sticky",
    "attachment_url",
}

_COMMENT_FIELDS = {
    "wp:comment_id": "wp_id",
    "wp:comment_author": "author",
    "wp:comment_author_email": "email",
    "wp:comment_author_url": "url",
    "wp:comment_date": "date",
    "wp:comment_date_gmt": "date_gmt",
    "wp:comment_content": "content",
    "wp:comment_approved": "approved",
    "wp:comment_type": "type",
    "wp:comment_parent": "parent",
}


def _item(element: Element) -> Item:
    item = Item()
    seen = set()
    for child in element:
        name = _prefixed(child.tag)
        if name in _ITEM_FIELDS:
            attr = _ITEM_FIELDS[name]
            value = _text(child)
            setattr(item, attr, value.strip() if attr in _STRIPPED else value)
            seen.add(name)
        elif name == "category":
            item.terms.append(
                (
                    child.get("domain", "category"),
                    (child.get("nicename") or "").strip(),
                    _text(child).strip(),
                )
            )
        elif name == "wp:postmeta":
            c = _children(child)
            key = _text(c.get("wp:meta_key")).strip()
            if key:
                item.meta.setdefault(key, []).append(_text(c.get("wp:meta_value")))
        elif name == "wp:comment":
            comment = Comment(wp_id="")
            for part in child:
                attr = _COMMENT_FIELDS.get(_prefixed(part.tag))
                if attr:
                    value = _text(part)
                    setattr(comment, attr, value if attr == "content" else value.strip())
            item.comments.append(comment)
    item.missing = {name for name in ("title", "wp:post_date", "wp:post_id") if name not in seen}
    return item


class ExportReader:
    """Reads one export file; each `items()` call streams the whole file again from disk."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.channel = Channel()

    def __iter__(self) -> Iterator[Author | Term | Item]:
        """Authors, categories, tags, terms and items, in file order."""
        try:
            handle = self.path.open("rb")
        except OSError as exc:
            raise WXRError(f"Cannot open {self.path}: {exc.strerror or exc}.") from exc
        with handle:
            yield from self._parse(handle)

    def _parse(self, handle) -> Iterator[Author | Term | Item]:
        stack: list[str] = []
        channel_element: Element | None = None
        saw_wxr = False
        header = {
            "title": "title",
            "link": "link",
            "language": "language",
            "wp:wxr_version": "wxr_version",
            "wp:base_site_url": "base_site_url",
            "wp:base_blog_url": "base_blog_url",
        }
        parser = iterparse(
            handle,
            events=("start", "end"),
            forbid_dtd=False,
            forbid_entities=True,
            forbid_external=True,
        )
        try:
            for event, element in parser:
                if event == "start":
                    name = _prefixed(element.tag)
                    if not stack and name != "rss":
                        raise WXRError(
                            f"{self.path.name} is not a WordPress export: its root element is "
                            f"<{name}>, not <rss>."
                        )
                    if name.startswith("wp:"):
                        saw_wxr = True
                    if len(stack) == 1 and name == "channel":
                        channel_element = element
                    stack.append(name)
                    continue
                name = stack.pop()
                if len(stack) != 2 or channel_element is None:
                    continue
                # A direct child of <channel> is complete: read it, then free it.
                if name in header:
                    setattr(self.channel, header[name], _text(element).strip())
                elif name == "wp:author":
                    yield _author(element)
                elif name == "wp:category":
                    yield _category(element)
                elif name == "wp:tag":
                    yield _tag(element)
                elif name == "wp:term":
                    yield _term(element)
                elif name == "item":
                    yield _item(element)
                element.clear()
                channel_element.remove(element)
        except EntitiesForbidden as exc:
            raise WXRError(
                f"Refused {self.path.name}: it declares the XML entity {exc.name!r}. WordPress "
                "exports never declare entities; they are how entity-expansion ('billion "
                "laughs') and external-entity attacks work."
            ) from exc
        except ExternalReferenceForbidden as exc:
            raise WXRError(
                f"Refused {self.path.name}: it refers to an external resource "
                f"({exc.sysid or exc.pubid}). WordPress exports never do; reading it could "
                "leak local files."
            ) from exc
        except (DTDForbidden, DefusedXmlException) as exc:
            raise WXRError(f"Refused {self.path.name}: unsafe XML ({exc}).") from exc
        except ParseError as exc:
            line, column = getattr(exc, "position", (0, 0))
            raise WXRError(
                f"{self.path.name} is not readable XML at line {line}, column {column} "
                f"({_reason(exc)}). The export may be truncated or damaged: export it again."
            ) from exc
        except OSError as exc:
            raise WXRError(f"Cannot read {self.path}: {exc.strerror or exc}.") from exc
        if not saw_wxr or channel_element is None:
            raise WXRError(
                f"{self.path.name} is an RSS feed, not a WordPress export (no wp: elements). "
                "Export it from WordPress with Tools > Export."
            )


def _reason(exc: ParseError) -> str:
    message = str(exc)
    return message.split(":", 1)[0] if ": line" in message else message
