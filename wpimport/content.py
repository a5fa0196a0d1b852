"""WordPress post bodies turned into the HTML Newsroom's editor makes.

What comes out still goes through `articles.sanitize.clean_html` (Article.save does it):
this module only turns WordPress's own conventions into plain HTML first, so that the
sanitizer keeps the text's meaning: block-editor comments dropped, shortcodes turned into
HTML or removed, embeds kept as links (the site loads nothing from elsewhere), classic-editor
line breaks made into paragraphs (WordPress's wpautop), headings fitted to h2/h3.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html import escape, unescape

from articles.sanitize import strip_tags

Note = Callable[[str], None]
ImageResolver = Callable[[str], str | None]

_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_URL = r"https?://[^\s<>\"'\[\]]+"
_URL_LINE = re.compile(rf"^[ \t]*({_URL})[ \t]*$", re.MULTILINE)
_IFRAME = re.compile(r"<iframe\b[^>]*?\bsrc=([\"'])(.*?)\1[^>]*>.*?</iframe\s*>", re.I | re.S)
_MEDIA_ELEMENT = re.compile(
    r"<(video|audio)\b[^>]*?\bsrc=([\"'])(.*?)\2[^>]*>.*?</\1\s*>", re.I | re.S
)
_ATTR = re.compile(r"""([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"']+))|(\S+)""")

# Shortcodes of WordPress and its common plugins (Jetpack, WordPress.com). Other
# bracketed words ("[sic]", "[1]") are text; a bracket with attributes or a closing tag
# ("[poll id=3]", "[box]…[/box]") is an unknown shortcode and removed, its text kept.
_KNOWN = (
    "caption|wp_caption|gallery|embed|audio|video|playlist|youtube|vimeo|dailymotion|tweet|"
    "twitter|instagram|soundcloud|spotify|googlemaps|googleapps|slideshow|contact-form|"
    "contact-field|polldaddy|crowdsignal|archives|sitemap|code|sourcecode|wpvideo|recipe|"
    "simple-payment|ted|scribd|flickr"
)
_SHORTCODE = re.compile(
    rf"(?P<esc>\[?)\[(?P<name>{_KNOWN})(?![\w-])(?P<attrs>[^\]]*?)(?P<self>/?)\]"
    rf"(?:(?P<inner>(?:(?!\[(?:{_KNOWN})(?![\w-])).)*?)\[/(?P=name)\])?(?P<esc2>\]?)",
    re.DOTALL,
)
_UNKNOWN_SHORTCODE = re.compile(
    r"\[(?P<name>[a-zA-Z][\w-]*)(?P<attrs>\s+[^\]\[]*=[^\]\[]*?)?\s*/?\]"
    r"(?:(?P<inner>[^\[]*?)\[/(?P=name)\])?",
)
_IMG_MEDIA = re.compile(r"^\s*((?:<a\b[^>]*>\s*)?<img\b[^>]*>(?:\s*</a>)?)(.*)$", re.S | re.I)
_HEADING = re.compile(r"<(/?)h([1-6])\b", re.I)
_TAG_SRC = re.compile(r"<(img|a)\b[^>]*>", re.I)
_SRC_ATTR = re.compile(r"""(\s(?:src|href)\s*=\s*)(["'])(.*?)\2""", re.I | re.S)
_IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".gif", ".webp")
# Content the sanitizer drops with nothing in its place: worth telling the editor about.
_LOST = re.compile(r"<(table|pre|code|script|style|form|object|embed|svg|math)\b", re.I)


def convert_body(html: str, *, note: Note, image: ImageResolver | None = None) -> str:
    """A WordPress body as HTML for `clean_html`; `note` receives each thing worth reporting."""
    html = html or ""
    is_block_editor = "<!-- wp:" in html
    html = _COMMENT.sub("\n" if is_block_editor else "", html)
    html = _shortcodes(html, note)
    html = _embeds(html, note)
    if not is_block_editor:
        html = wpautop(html)
    html = _HEADING.sub(lambda m: f"<{m.group(1)}h{_fit_heading(int(m.group(2)))}", html)
    if image is not None:
        html = _images(html, image)
    lost = sorted({m.group(1).lower() for m in _LOST.finditer(html)})
    if lost:
        note("HTML the site does not keep was removed: " + ", ".join(lost))
    html = re.sub(r"<p>(?:\s|&nbsp;)*</p>", "", html)
    return re.sub(r"\n[ \t]*(?:\n[ \t]*)+", "\n", html).strip()


def _fit_heading(level: int) -> int:
    """The headline is the page's h1 and the editor offers h2 and h3."""
    return 2 if level <= 2 else 3


def parse_attrs(text: str) -> tuple[dict[str, str], list[str]]:
    """Shortcode attributes: named ones, and positional ones (`[audio https://…]`)."""
    named, positional = {}, []
    for match in _ATTR.finditer(unescape(text or "")):
        if match.group(1):
            named[match.group(1).lower()] = next(
                (g for g in match.group(2, 3, 4) if g is not None), ""
            )
        elif match.group(5) and match.group(5) != "/":
            positional.append(match.group(5))
    return named, positional


def _link(url: str) -> str:
    url = unescape(url.strip())
    return f'<p><a href="{escape(url)}">{escape(url)}</a></p>'


def _shortcodes(html: str, note: Note) -> str:
    def replace(match: re.Match) -> str:
        if match.group("esc") and match.group("esc2"):
            # [[gallery]] is WordPress's way to write the shortcode itself as text.
            return match.group(0)[1:-1]
        name = match.group("name")
        attrs, positional = parse_attrs(match.group("attrs"))
        inner = match.group("inner") or ""
        if name in {"caption", "wp_caption"}:
            return _caption(attrs, _shortcodes(inner, note))
        if name == "embed" or (
            name
            in {
                "youtube",
                "vimeo",
                "dailymotion",
                "tweet",
                "twitter",
                "instagram",
                "soundcloud",
                "spotify",
                "ted",
                "flickr",
            }
        ):
            url = (
                inner.strip()
                or attrs.get("url", "")
                or attrs.get("src", "")
                or next((p for p in positional if p.startswith(("http://", "https://"))), "")
            )
            if url.startswith(("http://", "https://")):
                note(f"[{name}] embed kept as a link")
                return _link(url)
            note(f"[{name}] shortcode removed (no address to link to)")
            return ""
        if name in {"audio", "video"}:
            url = (
                attrs.get("src")
                or next(
                    (
                        attrs[k]
                        for k in ("mp3", "m4a", "ogg", "wav", "mp4", "webm", "ogv", "m4v")
                        if attrs.get(k)
                    ),
                    "",
                )
                or next((p for p in positional if p.startswith(("http://", "https://"))), "")
            )
            if url:
                note(f"[{name}] player kept as a link")
                return _link(url)
            note(f"[{name}] shortcode removed (no file address)")
            return inner
        if name in {"code", "sourcecode"}:
            note(f"[{name}] shortcode unwrapped")
            return f"<p>{inner}</p>"
        note(f"[{name}] shortcode removed")
        return inner

    html = _SHORTCODE.sub(replace, html)

    def unknown(match: re.Match) -> str:
        if not (match.group("attrs") or match.group("inner") is not None):
            return match.group(0)  # "[sic]": a bracketed word, not a shortcode
        note(f"unknown shortcode [{match.group('name')}] removed")
        return match.group("inner") or ""

    return _UNKNOWN_SHORTCODE.sub(unknown, html)


def _caption(attrs: dict[str, str], inner: str) -> str:
    media = _IMG_MEDIA.match(inner)
    if media is None:
        text = inner.strip()
        return f"<p>{text}</p>" if text else ""
    picture, text = media.group(1), media.group(2).strip()
    text = text or attrs.get("caption", "").strip()
    caption = f"<figcaption>{text}</figcaption>" if text else ""
    return f"<figure>{picture}{caption}</figure>"


def _embeds(html: str, note: Note) -> str:
    def frame(match: re.Match) -> str:
        note("embedded frame kept as a link")
        return "\n\n" + _link(match.group(2)) + "\n\n"

    def player(match: re.Match) -> str:
        note(f"<{match.group(1).lower()}> player kept as a link")
        return "\n\n" + _link(match.group(3)) + "\n\n"

    def bare(match: re.Match) -> str:
        # WordPress turns a URL alone on its line into an embed (oEmbed): a link here.
        note("embed address kept as a link")
        return _link(match.group(1))

    html = _IFRAME.sub(frame, html)
    html = _MEDIA_ELEMENT.sub(player, html)
    return _URL_LINE.sub(bare, html)


def _images(html: str, resolve: ImageResolver) -> str:
    def tag(match: re.Match) -> str:
        is_link = match.group(1).lower() == "a"

        def attr(m: re.Match) -> str:
            url = unescape(m.group(3).strip())
            if is_link and not url.lower().split("?")[0].endswith(_IMAGE_EXTENSIONS):
                return m.group(0)
            new = resolve(url)
            if new is None:
                return m.group(0)
            return f"{m.group(1)}{m.group(2)}{escape(new)}{m.group(2)}"

        return _SRC_ATTR.sub(attr, match.group(0))

    return _TAG_SRC.sub(tag, html)


def image_sources(html: str) -> list[str]:
    """The addresses of a body's pictures and of links to pictures, in order."""
    found = []
    for match in _TAG_SRC.finditer(html or ""):
        is_link = match.group(1).lower() == "a"
        for attr in _SRC_ATTR.finditer(match.group(0)):
            url = unescape(attr.group(3).strip())
            if not is_link or url.lower().split("?")[0].endswith(_IMAGE_EXTENSIONS):
                found.append(url)
    return found


def plain_text(html: str) -> str:
    """Text of a title or excerpt: tags dropped, entities decoded, whitespace folded."""
    if "<" not in (html or "") and "&" not in (html or ""):
        return " ".join((html or "").split())  # no markup: the sanitizer has nothing to do
    return re.sub(r"\s+", " ", unescape(strip_tags(unescape(html or "")))).strip()


def comment_text(html: str) -> str:
    """A WordPress comment (a little HTML) as the plain text Newsroom's comments hold."""

    def link(match: re.Match) -> str:
        url, label = unescape(match.group(2)), plain_text(match.group(3))
        return (
            label
            if url in label or not url.startswith(("http://", "https://"))
            else (f"{label} ({url})" if label else url)
        )

    text = re.sub(
        r"<a\b[^>]*?href=([\"'])(.*?)\1[^>]*>(.*?)</a\s*>", link, html or "", flags=re.I | re.S
    )
    text = re.sub(r"<br\s*/?>", "\n", text, flags=re.I)
    text = re.sub(r"</?(?:p|blockquote|li)\b[^>]*>", "\n\n", text, flags=re.I)
    text = unescape(strip_tags(text))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = [line.strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


# WordPress's wpautop(), ported: double line breaks become paragraphs, single ones <br>.
_BLOCKS = (
    r"(?:table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre|"
    r"form|map|area|blockquote|address|math|style|p|h[1-6]|hr|fieldset|legend|section|"
    r"article|aside|hgroup|header|footer|nav|figure|figcaption|details|menu|summary)"
)


def wpautop(text: str) -> str:
    if not text.strip():
        return ""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    kept: dict[str, str] = {}

    def keep(match: re.Match) -> str:
        key = f"<pre wp-kept-{len(kept)}></pre>"
        kept[key] = match.group(0)
        return key

    # Preformatted text keeps its line breaks untouched, and figures (made from [caption],
    # which WordPress expands after wpautop) get no paragraphs inside.
    text = re.sub(r"<(pre|figure)\b.*?</\1\s*>", keep, text, flags=re.I | re.S)
    # Line breaks inside a tag's attributes are not paragraph breaks.
    text = re.sub(r"<[^<>]*>", lambda m: m.group(0).replace("\n", " "), text)
    text += "\n"
    text = re.sub(r"<br\s*/?>\s*<br\s*/?>", "\n\n", text, flags=re.I)
    text = re.sub(rf"(<{_BLOCKS}[\s/>])", r"\n\n\1", text, flags=re.I)
    text = re.sub(rf"(</{_BLOCKS}>)", r"\1\n\n", text, flags=re.I)
    text = re.sub(r"<hr\s*?/?>", "<hr />", text, flags=re.I)
    text = re.sub(r"\n\n+", "\n\n", text)
    paragraphs = [part for part in re.split(r"\n\s*\n", text) if part.strip()]
    text = "".join(f"<p>{part.strip(chr(10))}</p>\n" for part in paragraphs)
    text = re.sub(r"<p>\s*</p>", "", text)
    text = re.sub(r"<p>([^<]+)</(div|address|form)>", r"<p>\1</p></\2>", text)
    text = re.sub(rf"<p>\s*(</?{_BLOCKS}[^>]*>)\s*</p>", r"\1", text, flags=re.I)
    text = re.sub(r"<p>(<li.+?)</p>", r"\1", text, flags=re.I)
    text = re.sub(r"<p><blockquote([^>]*)>", r"<blockquote\1><p>", text, flags=re.I)
    text = text.replace("</blockquote></p>", "</p></blockquote>")
    text = re.sub(rf"<p>\s*(</?{_BLOCKS}[^>]*>)", r"\1", text, flags=re.I)
    text = re.sub(rf"(</?{_BLOCKS}[^>]*>)\s*</p>", r"\1", text, flags=re.I)
    text = re.sub(r"(?<!<br />)\s*\n", "<br />\n", text)
    text = re.sub(rf"(</?{_BLOCKS}[^>]*>)\s*<br />", r"\1", text, flags=re.I)
    text = re.sub(
        r"<br />(\s*</?(?:p|li|div|dl|dd|dt|th|pre|td|ul|ol)[^>]*>)", r"\1", text, flags=re.I
    )
    text = re.sub(r"\n</p>$", "</p>", text)
    for key, value in kept.items():
        text = text.replace(key, value)
    return text
