"""Words for the related-article engine: any script, French and English aware.

`terms("L’Ukraine a signé les accords")` -> `["ukrain", "sign", "accord"]`: lower case, Latin
accents folded, French elisions (`l'`, `d'`, `qu'`…) and English `'s` dropped, stop words dropped,
then a light suffix stripping (plurals, common endings) so that `élections`, `électoral` and
`election` meet. No downloaded resource: the word lists and rules below are all there is.
"""

from __future__ import annotations

import html
import re
import unicodedata
import zlib
from functools import lru_cache

import numpy as np

from articles.text import fold_latin_accents

# Apostrophes, including the typographic ones French editors type.
_APOSTROPHES = re.compile(r"[’ʼ`´‘]")
_ELISION = re.compile(
    r"\b(?:l|d|j|m|n|s|t|c|qu|jusqu|lorsqu|puisqu|quoiqu|presqu|quelqu)'(?=\w)", re.IGNORECASE
)
_POSSESSIVE = re.compile(r"(?<=\w)'s\b", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)

# Function words, auxiliaries, common adverbs and number words (accents folded), in the spirit of
# the Snowball/Lucene lists; content words are left to the IDF weighting.
_FRENCH = """
    a afin ai aie aient aies ailleurs ainsi ait alors apres as assez au aucun aucune aujourd
    aupres aura aurai auraient aurais aurait auras aurez auriez aurions aurons auront aussi
    aussitot autant autour autre autres aux avaient avais avait avant avec avez aviez avions
    avoir avons ayant ayez ayons beaucoup bien bientot c ca car ce ceci cela celle celles celui
    cependant certain certaine certaines certains ces cet cette ceux chacun chacune chaque chez
    ci cinq combien comme comment contre d dans de dedans dehors depuis des desormais deja deux
    devant devait devaient devoir devra devrait devraient dix doit doivent donc dont douze du
    durant elle elles en encore enfin ensuite entre environ es est et etaient etais etait etant
    ete etes etiez etions etre eu eue eues eurent eus eusse eut eux fait faire fais faisait
    faut fois font furent fus fut hier hors hui huit ici il ils j jamais je jusqu jusque l la
    laquelle le lequel les lesquelles lesquels leur leurs lors lorsque lui m ma maintenant mais
    malgre me meme memes mes mien mienne moi moins mon n ne neuf ni non nos notamment notre nous
    on ont onze ou outre par parce parfois parmi pas pendant peu peut peuvent peux plupart plus
    plusieurs plutot pour pourquoi pourra pourrait pourraient pourtant pouvait pouvaient pouvoir
    pres presque puis puisque qu quand quant quarante quatre que quel quelle quelles quelqu
    quelque quelques quels qui quinze quoi rien s sa sans se selon sept sera serai seraient
    serais serait seras serez seriez serions serons seront ses si sien sienne sinon six soi
    soient sois soit sommes son sont souvent sous soyez soyons suis sur surtout t ta tandis tant
    tard te tel telle telles tels tes toi ton toujours tous tout toute toutes tres trois trop
    tu un une unes uns va vais vers veut veulent via vingt voici voila vont vos votre vous
    vraiment y
"""
STOP_WORDS_FR = frozenset(_FRENCH.split())

_ENGLISH = """
    a about above after again against ago all almost already also although always am among an
    and another any anyone anything are around as at back be became because become been before
    being below between both but by can cannot could did do does doing done down during each
    eight either else even ever every few five for four from further get gets got had has have
    having he her here hers herself him himself his how however i if in into is it its itself
    just least less like many may me might more most much must my myself nearly neither never
    next nine no nor not now of off often on once one only onto or other others otherwise our
    ours ourselves out over own per perhaps quite rather really same seven shall she should
    since six so some something still such ten than that the their theirs them themselves then
    there therefore these they this those though three through thus to too two under until up
    upon us very via was we well were what whatever when where whether which while who whom whose
    why will with within without would yet you your yours yourself yourselves said says say told
"""
STOP_WORDS_EN = frozenset(_ENGLISH.split())

STOP_WORDS = STOP_WORDS_FR | STOP_WORDS_EN


def plain_text(text: str) -> str:
    """Text of an already sanitised HTML fragment (a regex is enough, and fast, for words)."""
    if "<" in text or "&" in text:
        text = html.unescape(_TAG.sub(" ", text))
    return text


def _folding_table() -> dict[int, str]:
    # The same folding as `articles.text.fold_latin_accents`, as a table for str.translate.
    table = {}
    for code in [*range(0x80, 0x250), *range(0x1E00, 0x1F00)]:
        ch = chr(code)
        folded = fold_latin_accents(ch)
        if folded != ch:
            table[code] = folded
    return table


_FOLD = _folding_table()


def normalise(text: str) -> str:
    """Lower case, accents folded, elisions and possessives removed; punctuation kept."""
    text = unicodedata.normalize("NFC", text or "")
    text = _APOSTROPHES.sub("'", text)
    text = _ELISION.sub("", text)
    text = _POSSESSIVE.sub("", text)
    if not text.isascii():
        text = text.translate(_FOLD)
        if not text.isascii():
            # Rare letters outside the table's ranges.
            text = fold_latin_accents(text)
    return text.lower()


@lru_cache(maxsize=300_000)
def _stem_fr(word: str) -> str:
    # Light stemming in the spirit of Savoy's French "light" stemmer: inflection and the most
    # frequent derivational endings only, never shorter than a four-letter stem.
    for suffix in _FR_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


_FR_SUFFIXES = (
    "issements",
    "issement",
    "atrices",
    "atrice",
    "ateurs",
    "ateur",
    "ations",
    "ation",
    "ements",
    "ement",
    "ances",
    "ance",
    "ences",
    "ence",
    "ismes",
    "isme",
    "istes",
    "iste",
    "iques",
    "ique",
    "ites",
    "ite",
    "euses",
    "euse",
    "eux",
    "ives",
    "ive",
    "ifs",
    "if",
    "aux",
    "ales",
    "ale",
    "elles",
    "elle",
    "ees",
    "ee",
    "es",
    "er",
    "ez",
    "e",
    "s",
    "x",
)


@lru_cache(maxsize=300_000)
def _stem_en(word: str) -> str:
    # Harman's "S" stemmer plus the commonest verb endings.
    if len(word) > 4 and word.endswith("ies") and not word.endswith(("eies", "aies")):
        return word[:-3] + "y"
    if (
        len(word) > 3
        and word.endswith("es")
        and word[-3] in "sxz"
        or word.endswith(("ches", "shes"))
    ):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    for suffix in ("ings", "ing", "edly", "ed", "ly"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            word = word[: -len(suffix)]
            if len(word) > 4 and word[-1] == word[-2] and word[-1] not in "lsz":
                word = word[:-1]  # "planned" -> "plann" -> "plan"
            return word
    return word


def stem(word: str, language: str = "") -> str:
    if not word.isascii() or word.isdigit():
        return word
    if language == "fr":
        return _stem_fr(word)
    if language == "en":
        return _stem_en(word)
    return word


_TERM_CACHES: dict[str, dict[str, str]] = {}


def _term(word: str, language: str) -> str:
    if len(word) < 2 or word in STOP_WORDS or (word.isdigit() and len(word) != 4):
        return ""
    return stem(word, language)[:100]


def terms(text: str, language: str = "") -> list[str]:
    """Stemmed content words of `text` (sanitised HTML or plain text), in order."""
    return words_to_terms(_TOKEN.findall(normalise(plain_text(text or ""))), language)


def words_to_terms(words: list[str], language: str) -> list[str]:
    # A word always gives the same term: remember it (news vocabulary is large but finite).
    cache = _TERM_CACHES.setdefault(language, {})
    if len(cache) > 500_000:
        cache.clear()
    out = []
    for word in words:
        term = cache.get(word)
        if term is None:
            term = cache[word] = _term(word, language)
        if term:
            out.append(term)
    return out


def analyse(text: str, language: str) -> tuple[list[str], list[str]]:
    """(terms, words): the terms, and every normalised word (for `signature`)."""
    words = _TOKEN.findall(normalise(plain_text(text or "")))
    return words_to_terms(words, language), words


SIGNATURE_SIZE = 32
_rng = np.random.default_rng(20240611)
_HASH_A = _rng.integers(1, 2**32, SIGNATURE_SIZE, dtype=np.uint64) | np.uint64(1)
_HASH_B = _rng.integers(0, 2**32, SIGNATURE_SIZE, dtype=np.uint64)
EMPTY_SIGNATURE = np.full(SIGNATURE_SIZE, 2**32 - 1, dtype=np.uint32)


SIGNED_WORDS = 250  # the start of a story says which story it is


def signature(text: str = "", *, words: list[str] | None = None) -> np.ndarray:
    """MinHash of the three-word shingles of the text's first words: the share of equal values
    between two signatures estimates how much wording two texts share (Broder 1997)."""
    if words is None:
        words = _TOKEN.findall(normalise(plain_text(text or "")))
    words = words[:SIGNED_WORDS]
    if not words:
        return EMPTY_SIGNATURE.copy()
    ids = np.fromiter((_word_hash(w) for w in words), dtype=np.uint64, count=len(words))
    if len(ids) >= 3:
        ids = ids[:-2] * np.uint64(0x9E3779B1) + ids[1:-1] * np.uint64(0x85EBCA77) + ids[2:]
    shingles = np.unique(ids & np.uint64(0xFFFFFFFF))
    mixed = (shingles[:, None] * _HASH_A[None, :] + _HASH_B[None, :]) & np.uint64(0xFFFFFFFF)
    return mixed.min(axis=0).astype(np.uint32)


@lru_cache(maxsize=500_000)
def _word_hash(word: str) -> int:
    return zlib.crc32(word.encode("utf-8"))


def resemblance(a: np.ndarray, b: np.ndarray) -> float:
    if (a == EMPTY_SIGNATURE).all() or (b == EMPTY_SIGNATURE).all():
        return 0.0
    return float((a == b).mean())
