"""WordPress post bodies turned into the HTML Newsroom's editor makes.

What comes out still goes through `articles.sanitize.clean_html` (Article.save does it):
this module only turns WordPress's own conventions into plain HTML first, so that the
sanitizer keeps the text's meaning: block-editor comments dropped, shortcodes turned into
HTML or removed, embeds kept as links (the site loads nothing from elsewhere), classic-editor
line breaks made into paragraphs (WordPress's wpautop), headings fitted to h2/h3.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from html import escape, unescape
from urllib.parse import unquote, urlsplit

from articles.sanitize import strip_tags

Note = Callable[[str], None]
# A picture's address and alt text -> (its new address, its library picture's id or None),
# or None when the file is not imported.
ImageResolver = Callable[[str, str], tuple[str, int | None] | None]
# An attachment's id (a [gallery ids=…] entry) -> its file's address.
AttachmentLookup = Callable[[str], str | None]

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
_LOST = re.compile(r"<(script|style|form|object|embed|svg|math|canvas|select)\b", re.I)
_PRE = re.compile(r"<pre\b[^>]*>.*?</pre\s*>", re.I | re.S)
_KEPT_PRE = re.compile(r"<pre wp-kept=(\d+)></pre>")


def convert_body(
    html: str,
    *,
    note: Note,
    image: ImageResolver | None = None,
    footnotes: str = "",
    attachment: AttachmentLookup | None = None,
) -> str:
    """A WordPress body as HTML for `clean_html`; `note` receives each thing worth reporting.

    `image` imports a picture of the site's uploads (None: every picture becomes a link,
    since the site loads nothing from elsewhere); `footnotes` is the post's `footnotes`
    meta (the block editor's notes); `attachment` finds a classic gallery's pictures.
    """
    html = html or ""
    is_block_editor = "<!-- wp:" in html
    if is_block_editor:
        html = _blocks(html, note)
    # Preformatted text is left exactly as written by everything below.
    kept: list[str] = []

    def keep(match: re.Match) -> str:
        kept.append(match.group(0))
        return f"<pre wp-kept={len(kept) - 1}></pre>"

    html = _PRE.sub(keep, html)
    html = _COMMENT.sub("\n" if is_block_editor else "", html)
    html = _shortcodes(html, note, attachment)
    html = _embeds(html, note)
    if not is_block_editor:
        html = wpautop(html)
    html = _HEADING.sub(lambda m: f"<{m.group(1)}h{_fit_heading(int(m.group(2)))}", html)
    html = _pictures(html, image, note)
    html = _footnotes(html, footnotes, note)
    lost = sorted({m.group(1).lower() for m in _LOST.finditer(html)})
    if lost:
        note("HTML the site does not keep was removed: " + ", ".join(lost))
    html = re.sub(r"<p>(?:\s|&nbsp;)*</p>", "", html)
    html = re.sub(r"\n[ \t]*(?:\n[ \t]*)+", "\n", html).strip()
    return _KEPT_PRE.sub(lambda m: kept[int(m.group(1))], html)


# -- block-editor blocks -------------------------------------------------------------------

_BLOCK = re.compile(
    r"<!-- wp:(?P<name>[a-z][\w/-]*)(?P<attrs>\s[^>]*?)?\s*(?P<self>/)?-->"
    r"(?(self)|(?P<inner>.*?)<!-- /wp:(?P=name) -->)",
    re.S,
)
_IMG = re.compile(r"<img\b[^>]*>", re.I)
_FIGCAPTION = re.compile(r"<figcaption\b[^>]*>(.*?)</figcaption\s*>", re.I | re.S)
_HREF = re.compile(r"""<a\b[^>]*?\bhref=(["'])(.*?)\1[^>]*>(.*?)</a\s*>""", re.I | re.S)
_BACKGROUND = re.compile(r"""background-image:\s*url\((["']?)(.*?)\1\)""", re.I)


def _blocks(html: str, note: Note) -> str:
    """The blocks whose markup means more than the sanitizer's allow-list would keep."""

    def block(match: re.Match) -> str:
        name, inner = match.group("name"), match.group("inner") or ""
        if name == "table":
            return _table_block(inner)
        if name == "verse":
            return _verse(inner)
        if name == "file":
            return _file_block(inner, note)
        if name == "gallery":
            return _gallery(inner)
        if name == "cover":
            return _cover(inner)
        if name in {"columns", "column", "group", "media-text"}:
            # Containers: what they hold is read for its own blocks.
            return _BLOCK.sub(block, inner)
        return match.group(0)

    return _BLOCK.sub(block, html)


def _table_block(inner: str) -> str:
    """`<figure class="wp-block-table"><table>…</table><figcaption>` -> a captioned table."""
    table = re.search(r"<table\b[^>]*>.*</table\s*>", inner, re.I | re.S)
    if table is None:
        return inner
    caption = _FIGCAPTION.search(inner[table.end() :])
    html = table.group(0)
    if caption and caption.group(1).strip() and "<caption" not in html.lower():
        html = re.sub(
            r"^<table\b[^>]*>",
            lambda m: f"{m.group(0)}<caption>{caption.group(1).strip()}</caption>",
            html,
        )
    return f"\n\n{html}\n\n"


def _verse(inner: str) -> str:
    """A poem or a song: each line its own, stanzas as paragraphs."""
    body = re.sub(r"^\s*<pre\b[^>]*>|</pre\s*>\s*$", "", inner.strip(), flags=re.I)
    body = re.sub(r"<br\s*/?>", "\n", body, flags=re.I).replace("\r\n", "\n")
    stanzas = [part.strip("\n") for part in re.split(r"\n\s*\n", body) if part.strip()]
    return "".join(
        "<p>" + "<br>".join(line.rstrip() for line in stanza.split("\n")) + "</p>"
        for stanza in stanzas
    )


def _file_block(inner: str, note: Note) -> str:
    """A file to download: one link, named by its label and its file name."""
    links = [
        (unescape(m.group(2)).strip(), m.group(3))
        for m in _HREF.finditer(inner)
        if "wp-block-file__button" not in m.group(0)
    ] or [(unescape(m.group(2)).strip(), "") for m in _HREF.finditer(inner)]
    if not links:
        note("file block without a link: removed")
        return ""
    url, label = links[0]
    file_name = unquote(urlsplit(url).path.rsplit("/", 1)[-1])
    text = plain_text(label) or file_name or url
    shown = escape(text) + (f" ({escape(file_name)})" if file_name and file_name != text else "")
    note("file block kept as a download link")
    return f'\n\n<p><a href="{escape(url)}">{shown}</a></p>\n\n'


def _gallery(inner: str) -> str:
    """A grid of pictures: a figure of figures, each with its caption, then the gallery's."""
    found = []
    for match in _IMG.finditer(inner):
        rest = inner[match.end() :]
        following = _IMG.search(rest)
        window = rest[: following.start()] if following else rest
        caption = _FIGCAPTION.search(window)
        own = caption and "blocks-gallery-caption" not in caption.group(0)
        text = caption.group(1).strip() if own and caption else ""
        found.append(
            f"<figure>{match.group(0)}"
            + (f"<figcaption>{text}</figcaption>" if text else "")
            + "</figure>"
        )
    if not found:
        return ""
    general = re.search(
        r"<figcaption\b[^>]*blocks-gallery-caption[^>]*>(.*?)</figcaption\s*>", inner, re.I | re.S
    )
    caption = f"<figcaption>{general.group(1).strip()}</figcaption>" if general else ""
    return f"\n\n<figure>{''.join(found)}{caption}</figure>\n\n"


def _cover(inner: str) -> str:
    """A cover: its picture (an <img>, or the older background image), then its text."""
    picture = ""
    if match := _IMG.search(inner):
        picture = match.group(0)
        inner = inner[: match.start()] + inner[match.end() :]
    elif background := _BACKGROUND.search(inner):
        picture = f'<img src="{escape(unescape(background.group(2)))}" alt="">'
    text = _BLOCK.sub(lambda m: m.group("inner") or "", inner)
    return f"\n\n{f'<figure>{picture}</figure>' if picture else ''}{text}\n\n"


# -- footnotes -----------------------------------------------------------------------------

_FOOTNOTE_CALL = re.compile(
    r"<sup\b[^>]*\bdata-fn=([\"'])(?P<id>[^\"']+)\1[^>]*>.*?</sup\s*>", re.I | re.S
)


def _footnotes(html: str, meta: str, note: Note) -> str:
    """The block editor's footnotes: numbered calls and a notes list, linked both ways."""
    if "data-fn=" not in html:
        return html
    try:
        entries = json.loads(meta) if meta.strip() else []
    except ValueError:
        entries = []
    texts = {
        str(entry.get("id")): str(entry.get("content") or "")
        for entry in entries
        if isinstance(entry, dict)
    }
    order: list[str] = []

    def call(match: re.Match) -> str:
        fn = match.group("id")
        if fn not in texts:
            note("footnote call without its note: removed")
            return ""
        if fn not in order:
            order.append(fn)
        n = order.index(fn) + 1
        return f'<sup><a href="#note-{n}" id="note-{n}-ref">{n}</a></sup>'

    html = _FOOTNOTE_CALL.sub(call, html)
    if not order:
        return html
    items = "".join(
        f'<li id="note-{n}">{texts[fn]} <a href="#note-{n}-ref" title="↩">↩︎</a></li>'
        for n, fn in enumerate(order, start=1)
    )
    note("footnotes kept as a notes list")
    return f"{html}\n<ol>{items}</ol>"


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


def _shortcodes(html: str, note: Note, attachment: AttachmentLookup | None = None) -> str:
    def replace(match: re.Match) -> str:
        if match.group("esc") and match.group("esc2"):
            # [[gallery]] is WordPress's way to write the shortcode itself as text.
            return match.group(0)[1:-1]
        name = match.group("name")
        attrs, positional = parse_attrs(match.group("attrs"))
        inner = match.group("inner") or ""
        if name in {"caption", "wp_caption"}:
            return _caption(attrs, _shortcodes(inner, note, attachment))
        if name == "gallery":
            urls = [
                url
                for wp_id in re.split(r"[\s,]+", attrs.get("ids", "") or attrs.get("include", ""))
                if wp_id and attachment is not None and (url := attachment(wp_id))
            ]
            if urls:
                figures = "".join(
                    f'<figure><img src="{escape(url)}" alt=""></figure>' for url in urls
                )
                return f"\n\n<figure>{figures}</figure>\n\n"
            note("[gallery] without the ids of its pictures: removed")
            return ""
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


_PICTURE_TAGS = re.compile(r"<(img|a)\b[^>]*>|</a\s*>", re.I)
_ALT = re.compile(r"""\salt=(["'])(.*?)\1""", re.I | re.S)


def _pictures(html: str, resolve: ImageResolver | None, note: Note) -> str:
    """Pictures of the site's uploads into the library (`data-file`); any other picture
    becomes a link to it, named by its alt text: the site loads nothing from elsewhere."""
    in_link = False

    def swap(element: str, url: str) -> str:
        return _SRC_ATTR.sub(
            lambda m: f"{m.group(1)}{m.group(2)}{escape(url)}{m.group(2)}", element, count=1
        )

    def tag(match: re.Match) -> str:
        nonlocal in_link
        element = match.group(0)
        if match.group(1) is None:  # </a>
            in_link = False
            return element
        source = _SRC_ATTR.search(element)
        url = unescape(source.group(3).strip()) if source else ""
        if match.group(1).lower() == "a":
            in_link = True
            is_picture = url.lower().split("?")[0].endswith(_IMAGE_EXTENSIONS)
            found = resolve(url, "") if resolve is not None and is_picture else None
            return swap(element, found[0]) if found else element
        alt = _ALT.search(element)
        alt_text = plain_text(alt.group(2)) if alt else ""
        found = resolve(url, alt_text) if resolve is not None and url else None
        if found is not None:
            element = swap(element, found[0])
            if found[1] is not None:
                element = element[:4] + f' data-file="{found[1]}"' + element[4:]
            return element
        if not url or url.startswith("data:"):
            note("picture without an address of its own (data: or none) removed")
            return ""
        name = alt_text or unquote(urlsplit(url).path.rsplit("/", 1)[-1]) or url
        note("picture not imported: a link to it in its place")
        if in_link:  # already inside a link: its name only
            return escape(name)
        return f'<a href="{escape(url)}">{escape(name)}</a>'

    return _PICTURE_TAGS.sub(tag, html)


def image_sources(html: str) -> list[str]:
    """The addresses of a body's pictures and of links to pictures, in order."""
    found = []
    for match in _TAG_SRC.finditer(html or ""):
        is_link = match.group(1).lower() == "a"
        for attr in _SRC_ATTR.finditer(match.group(0)):
            url = unescape(attr.group(3).strip())
            if not is_link or url.lower().split("?")[0].endswith(_IMAGE_EXTENSIONS):
                found.append(url)
    found += [unescape(m.group(2)) for m in _BACKGROUND.finditer(html or "")]
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
