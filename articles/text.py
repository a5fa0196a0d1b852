"""Text helpers shared by models and commands: slugs, word counts."""

import hashlib
import math
import re
import unicodedata

from django.utils.text import slugify

WORDS_PER_MINUTE = 220
_WORD_RE = re.compile(r"\w+", re.UNICODE)


def make_slug(value: str, *, max_length: int = 200) -> str:
    """A URL slug that keeps its meaning: accents folded, other scripts kept, never empty.

    "États-Unis" -> "etats-unis"; "Україна" -> "україна"; "🔥" -> "n-<hash>".
    """
    # Non-breaking hyphens and apostrophes separate words: "l’Élysée" -> "l-elysee".
    value = re.sub(r"[\u2010\u2011'’]", "-", value or "")
    slug = slugify(fold_latin_accents(value), allow_unicode=True)
    if not slug:
        digest = hashlib.sha1(value.encode("utf-8")).hexdigest()[:8]
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
