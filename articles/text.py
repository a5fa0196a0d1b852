"""Text helpers shared by models, forms and commands: single-line cleaning, slugs, word counts."""

import hashlib
import math
import re
import unicodedata

from django.utils.text import slugify

WORDS_PER_MINUTE = 220
_WORD_RE = re.compile(r"\w+", re.UNICODE)
# Control characters (but tab and newline) and the bidirectional overrides and isolates
# that can make a name or a headline read differently from what it is.
INVISIBLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

# Any run of whitespace but the no-break spaces (U+00A0, U+2007, U+202F).
_BREAKING_SPACES = re.compile(r"[^\S\u00a0\u2007\u202f]+")


def single_line(value: str) -> str:
    """A name, headline or caption as readers may see it: one line, no invisible control
    character, no bidirectional override, spaces collapsed; no-break spaces (French
    typography's narrow one included) kept inside the text."""
    return _BREAKING_SPACES.sub(" ", INVISIBLE.sub("", value)).strip()


def clean_single_line_fields(sender, instance, raw=False, **kwargs) -> None:
    """pre_save: every free-text single-line field of an editorial model (choices and slugs
    aside) goes through `single_line()`, whatever path saved it (admin, import, shell)."""
    if raw:
        return
    for field in instance._meta.concrete_fields:
        if field.get_internal_type() != "CharField" or field.choices:
            continue
        value = getattr(instance, field.attname)
        if isinstance(value, str):
            setattr(instance, field.attname, single_line(value))


# Combining accents after a Latin letter (the blocks of combining diacritical marks).
_LEFTOVER_ACCENTS = re.compile(
    "(?<=[A-Za-z])[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+"
)


def make_slug(value: str, *, max_length: int = 200) -> str:
    """A URL slug that keeps its meaning: accents folded, other scripts kept, never empty.

    "États-Unis" -> "etats-unis"; "Україна" -> "україна"; "🔥" -> "n-<hash>".
    """
    # Non-breaking hyphens and apostrophes separate words: "l’Élysée" -> "l-elysee".
    value = re.sub(r"[\u2010\u2011'’]", "-", value or "")
    # Compatibility forms and capitals resolved before folding ("ẞ" -> "ß" -> "ss"), and
    # accents left on a folded letter dropped ("é́" -> "e"), so that slugify() makes no new
    # letter to fold: a slug is its own slug, and saving again never moves an article.
    folded = fold_latin_accents(unicodedata.normalize("NFKC", value).lower())
    slug = slugify(_LEFTOVER_ACCENTS.sub("", folded), allow_unicode=True)
    if not slug:
        # A lone surrogate (imported text) is not UTF-8, but still has a digest.
        digest = hashlib.sha1(value.encode("utf-8", "surrogatepass")).hexdigest()[:8]
        slug = f"n-{digest}"
    return slug[:max_length].strip("-_") or slug[:max_length]


def fold_latin_accents(value: str) -> str:
    """Strip accents from Latin letters only ("É" -> "E", "œ" -> "oe"); other scripts untouched."""
    out = []
    for ch in unicodedata.normalize("NFC", value):
        if ch in _LIGATURES:
            out.append(_LIGATURES[ch])
            continue
        base = unicodedata.normalize("NFKD", ch)[0]
        out.append(base if base.isascii() and ch.isalpha() else ch)
    return "".join(out)


_LIGATURES = {"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"}


def word_count(text: str) -> int:
    return len(_WORD_RE.findall(text or ""))


def reading_minutes(text: str) -> int:
    return max(1, math.ceil(word_count(text) / WORDS_PER_MINUTE))
