"""Search text normalisation. The same `normalize` turns a profile's text into index tokens
and a search query into query words, so a match never depends on which keyboard, spelling
habit or variant of a letter either side used.

What is folded together, and why:

- Unicode compatibility forms (NFKC): full-width Latin, Arabic presentation forms and
  ligatures (ﻻ, ﷲ), superscripts and circled digits become their plain letters and digits.
- Case (`str.casefold`, so "Straße" == "strasse").
- Accents and every other combining mark (NFKD, then combining marks dropped): "Café" ==
  "cafe", and Arabic tashkeel (U+064B–U+065F, U+0670) goes the same way, so "مُوسيقى" ==
  "موسيقي". The hamza marks of أ إ آ ؤ ئ ۀ are combining marks after NFKD too.
- Letters that people type interchangeably in Arabic, Kurdish (Sorani) and Persian:
  alef forms (أ إ آ ٱ ٲ ٳ) → ا; ة → ه; ؤ → و; ى and ئ → ي; ە (Kurdish ae, U+06D5) and ھ
  (heh doachashmee, U+06BE, the Kurdish "h") → ه. Kaf and yeh exist twice in Unicode: the
  canonical forms here are the ARABIC letters — keheh ک (U+06A9) → ك (U+0643) and Farsi yeh
  ی (U+06CC) → ي (U+064A) — so "کوردی" (Kurdish keyboard) == "كوردي" (Arabic keyboard).
- Digits of every script (Arabic-Indic ٠–٩, Extended Arabic-Indic ۰–۹ and any other decimal
  digit) → ASCII 0–9, so a phone number or "٥ نجوم" matches whatever the user typed.
- Invisible format characters (Unicode category Cf: zero-width joiner and non-joiner, bidi
  marks, soft hyphen, BOM) and the tatweel (ـ, U+0640, a stretching stroke) are removed; a
  Persian word written with a ZWNJ then equals the same word typed without it.

Normalised text is a comparison key, never shown: "ك" in the index may have been "ک" on the
profile.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

MAX_TOKENS = 64  # per indexed text; bounds the index entries one profile can write
MAX_TOKEN_LENGTH = 64  # longer words are cut, so a token always fits in a key
MAX_QUERY_WORDS = 8  # more is a 400 at the API: each word is one more index look-up

_ALEF = "\u0627"
_YEH = "\u064a"
_HEH = "\u0647"
_LETTER_MAP: dict[int, str] = {
    **dict.fromkeys(map(ord, "\u0623\u0625\u0622\u0671\u0672\u0673"), _ALEF),  # أ إ آ ٱ ٲ ٳ
    ord("\u0649"): _YEH,  # ى alef maqsura
    ord("\u0626"): _YEH,  # ئ
    ord("\u06cc"): _YEH,  # ی Farsi yeh
    ord("\u06a9"): "\u0643",  # ک keheh → ك
    ord("\u0629"): _HEH,  # ة teh marbuta
    ord("\u06d5"): _HEH,  # ە Kurdish ae
    ord("\u06be"): _HEH,  # ھ heh doachashmee
    ord("\u0624"): "\u0648",  # ؤ → و
}
_TASHKEEL = frozenset([*range(0x064B, 0x0660), 0x0670])
_TATWEEL = 0x0640
_HYPHENS = frozenset("-\u2010")  # hyphen-minus and the Unicode hyphen (NFKC maps U+2011 to it)


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    """One already-decomposed character's contribution: removed, mapped, or itself."""
    code = ord(ch)
    if code in _TASHKEEL or code == _TATWEEL or unicodedata.combining(ch):
        return ""
    if unicodedata.category(ch) == "Cf":
        return ""
    if code in _LETTER_MAP:
        return _LETTER_MAP[code]
    digit = unicodedata.decimal(ch, None)
    if digit is not None:
        return str(digit)
    return ch


def normalize(text: str) -> str:
    """The comparison form of `text` (see the module docstring); idempotent."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    decomposed = unicodedata.normalize("NFKD", folded)
    stripped = "".join(_fold_char(ch) for ch in decomposed)
    # Recompose what survived (Hangul jamo, some Indic vowel signs) so the key is in NFC;
    # case-folding once more catches the few letters whose decomposition was not folded.
    return unicodedata.normalize("NFC", stripped.casefold())


@lru_cache(maxsize=4096)
def _is_word_char(ch: str) -> bool:
    # Letters and (spacing) marks of any script, and the ASCII digits every digit became.
    return unicodedata.category(ch)[0] in "LM" or "0" <= ch <= "9"


def _compounds(normalized: str) -> list[list[str]]:
    """The words of normalised text, grouped into hyphenated compounds: "hip-hop jazz" →
    [["hip", "hop"], ["jazz"]]. A hyphen joins only when a word character is on both sides."""
    compounds: list[list[str]] = []
    parts: list[str] = []
    start = None
    for index, ch in enumerate(normalized):
        if _is_word_char(ch):
            if start is None:
                start = index
            continue
        if start is not None:
            parts.append(normalized[start:index])
            start = None
            following = normalized[index + 1 : index + 2]
            if ch in _HYPHENS and following and _is_word_char(following):
                continue  # the compound goes on
        if parts:
            compounds.append(parts)
            parts = []
    if start is not None:
        parts.append(normalized[start:])
    if parts:
        compounds.append(parts)
    return compounds


def _is_latin_letter(ch: str) -> bool:
    return unicodedata.name(ch, "").startswith("LATIN ")


def _keep(word: str) -> bool:
    """Single Latin letters are initials and noise ("j. smith", "a"); a single digit ("5"
    piece band) or a single letter of another script (a CJK word is often one character)
    carries meaning, so only the former are dropped."""
    if len(word) >= 2:
        return True
    return word.isdigit() or (unicodedata.category(word)[0] == "L" and not _is_latin_letter(word))


def _dedupe(words: list[str], limit: int | None) -> list[str]:
    seen: dict[str, None] = {}
    for whole in words:
        word = whole[:MAX_TOKEN_LENGTH]
        if _keep(word):
            seen.setdefault(word)
            if limit is not None and len(seen) == limit:
                break
    return list(seen)


def tokens(text: str) -> list[str]:
    """The index tokens of a text: its normalised words, first occurrence first, at most
    MAX_TOKENS. A hyphenated compound yields its parts AND the parts joined ("hip-hop" →
    "hip", "hop", "hiphop"), because users search for "hip hop", "hip-hop" and "hiphop"
    alike; `query_words` turns a hyphenated query word into the joined form only, so each of
    those spellings finds a profile written with the hyphen."""
    words: list[str] = []
    for parts in _compounds(normalize(text)):
        words.extend(parts)
        if len(parts) > 1:
            words.append("".join(parts))
    return _dedupe(words, MAX_TOKENS)


def query_words(q: str) -> list[str]:
    """The words of a search query, normalised as the index is, deduplicated. A hyphenated
    query word is looked up joined ("hip-hop" → "hiphop"), the one form the index holds for
    both "hip-hop" and "hiphop" profiles. Every query word of a text is one of its `tokens`,
    so a profile always matches a query made of its own words.

    Raises ValueError when there are more than MAX_QUERY_WORDS distinct words."""
    words = _dedupe(["".join(parts) for parts in _compounds(normalize(q))], None)
    if len(words) > MAX_QUERY_WORDS:
        raise ValueError(f"at most {MAX_QUERY_WORDS} words in a search")
    return words
