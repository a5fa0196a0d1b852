"""French typography, applied to an article's text when it is saved.

The rules a French desk follows (Lexique des règles typographiques en usage à
l'Imprimerie nationale): a narrow no-break space (U+202F) before ``; : ! ?`` and inside
``« »``, and the typographic apostrophe ``’`` in words. They apply to text only: never
inside tags or attributes, code, addresses (``https://…/?p=1``, ``www.…``, e-mails) or
numbers such as ``10:30``. Applying them twice changes nothing.
"""

from __future__ import annotations

import re

NNBSP = "\u202f"
_SPACES = "[ \u00a0\u202f\u2009]"

# While the rules run, what they must not touch is masked by one private-use character
# each and put back afterwards: the rules never move or remove one.
_KEPT = "\ue001"  # addresses, e-mails, times, code: a word as far as the rules go
_INLINE = "\ue002"  # an inline tag (<a>, <em>…): the rules look through it
_BLOCK = "\ue003"  # any other tag: a mark after it follows no word
_MASKS = re.compile("[\ue001-\ue003]")

_VERBATIM = re.compile(
    r"""
      (?:https?|ftp|mailto):\S+      # addresses with a scheme
    | www\.\S+                       # and without
    | [\w.+-]+@[\w-]+(?:\.[\w-]+)+   # e-mail addresses
    | \d+:\d+(?::\d+)?               # times and scores: 10:30, 2:1
    | `[^`]*`                        # inline code typed between backticks
    | &(?:\#\d+|\#x[0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]*);  # entities stay whole
    | [\ue001-\ue003]                # the masks themselves, should a text hold one
    """,
    re.VERBOSE,
)
_NBSP_ENTITY = re.compile(r"&(?:nbsp|#160|#x[aA]0);")

# A space (or none) before a high punctuation mark that follows a word or a closing mark.
_BEFORE_HIGH = re.compile(rf"([\w»)\]’\"'….{_KEPT}])((?:{_SPACES}|{_INLINE})*)([;:!?])")
_OPEN_QUOTE = re.compile(rf"«{_SPACES}*")
_CLOSE_QUOTE = re.compile(rf"{_SPACES}*»")
_APOSTROPHE = re.compile(r"(?<=\w)'(?=\w)")

# A tag, with quoted attribute values that may hold ">" (the sanitizer leaves them so).
_TAG = re.compile(r"""(<(?:[^>"']|"[^"]*"|'[^']*')*>)""")
_TAG_NAME = re.compile(r"<\s*(/?)\s*([a-zA-Z0-9]+)")
_INLINE_TAGS = {"a", "em", "strong", "i", "b", "sub", "sup", "cite", "q", "span", "abbr"}
# Elements whose text is code: left as typed, like attributes.
_CODE_TAGS = {"code", "pre", "kbd", "samp"}


def apply_to_text(text: str) -> str:
    """French typography on plain text (a headline, a standfirst, a caption)."""
    if not text:
        return text
    kept: list[str] = []
    return _unmask(_rules(_mask_text(text, kept)), kept)


def apply_to_html(html: str) -> str:
    """French typography on the text of sanitized HTML; tags, attributes and code untouched."""
    if not html:
        return html
    kept: list[str] = []
    masked = []
    in_code = 0
    for part in _TAG.split(html):
        if not part:
            continue
        if part.startswith("<"):
            tag = _TAG_NAME.match(part)
            name = tag.group(2).lower() if tag else ""
            if name in _CODE_TAGS and not part.endswith("/>"):
                in_code = max(in_code + (-1 if tag.group(1) else 1), 0)
            kept.append(part)
            masked.append(_INLINE if name in _INLINE_TAGS or name in _CODE_TAGS else _BLOCK)
        elif in_code:
            kept.append(part)
            masked.append(_KEPT)
        else:
            masked.append(_mask_text(part, kept))
    return _unmask(_rules("".join(masked)), kept)


def _mask_text(text: str, kept: list[str]) -> str:
    def mask(match: re.Match) -> str:
        kept.append(match.group())
        return _KEPT

    return _VERBATIM.sub(mask, _NBSP_ENTITY.sub("\u00a0", text))


def _unmask(text: str, kept: list[str]) -> str:
    pieces = iter(kept)
    return _MASKS.sub(lambda _m: next(pieces), text)


def _rules(text: str) -> str:
    text = _APOSTROPHE.sub("’", text)
    text = _BEFORE_HIGH.sub(_narrow_space_before_mark, text)
    text = _OPEN_QUOTE.sub("«" + NNBSP, text)
    return _CLOSE_QUOTE.sub(NNBSP + "»", text)


def _narrow_space_before_mark(match: re.Match) -> str:
    # Spaces between the word and the mark go; tags between them stay, in order.
    tags = re.sub(f"[^{_INLINE}]", "", match.group(2))
    return match.group(1) + tags + NNBSP + match.group(3)
