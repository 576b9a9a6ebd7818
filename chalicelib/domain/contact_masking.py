"""Contact masking: before two people share a paid relation, a message must not carry a way to
reach each other off the platform. `mask_contacts` finds phone numbers, email addresses, URLs
and messenger handles or links, and replaces each with `[contact hidden]`.

The detector is pure and errs towards leaving ordinary text alone: prices ("250,000 IQD",
"1.500.000 دينار"), dates, times, counts and booking ids are not contacts, so

- a phone number needs 9 to 15 digits (Iraqi mobiles have 10 or 11, with +964 / 00964 more);
  thousands groupings (`1.500.000`), dates (`2026-12-01`, `01/12/2026`) and amounts next to a
  currency are never phone numbers; digits glued to letters (ULIDs) are not either;
  a list of years ("1998 2005 2011") is not either;
- an `@handle` needs a letter and is not a time (`@5pm`);
- a messenger name ("whatsapp", "تلغرام", "ئینستاگرام") masks the handle after it only when
  the handle looks like one (a colon or `@` before it, or a digit, `_` or `.` in it), so
  "I found you on Instagram today" stays as written.

Digits of every script count: Arabic-Indic (٠-٩) and Extended Arabic-Indic (۰-۹, Kurdish and
Persian keyboards) are read like 0-9.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MASK = "[contact hidden]"

_DIGIT = "0-9\u0660-\u0669\u06f0-\u06f9"
_DIGIT_TRANSLATION = {
    **{0x0660 + i: str(i) for i in range(10)},
    **{0x06F0 + i: str(i) for i in range(10)},
}
_MIN_PHONE_DIGITS, _MAX_PHONE_DIGITS = 9, 15

_TLDS = (
    "com|net|org|iq|io|me|co|info|biz|app|ly|gl|to|us|uk|de|tr|ir|ae|sa|link|site|online|page|dev"
)
_SCHEME_URL = re.compile(r"\b[a-zA-Z][a-zA-Z0-9+.-]{1,15}://\S+")
_WWW_URL = re.compile(r"\bwww\.\S+", re.IGNORECASE)
_DOMAIN_URL = re.compile(
    rf"(?<![\w@.])(?:[a-z0-9-]+\.)*[a-z0-9-]*[a-z][a-z0-9-]*\.(?:{_TLDS})\b(?:/[^\s]*)?",
    re.IGNORECASE,
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_AT = r"(?:\s*@\s*|\s*[\(\[\{]\s*at\s*[\)\]\}]\s*|\s+at\s+|\s*آت\s*)"
_DOT = r"(?:\s*\.\s*|\s*[\(\[\{]\s*dot\s*[\)\]\}]\s*|\s+dot\s+|\s*نقطة\s*|\s*دۆت\s*)"
_SPELLED_EMAIL = re.compile(
    rf"\b[\w.+-]+{_AT}(?:gmail|yahoo|hotmail|outlook|icloud|live|mail|proton(?:mail)?|[a-z0-9-]+)"
    rf"{_DOT}(?:{_TLDS}|كوم|کۆم)\b",
    re.IGNORECASE,
)
_HANDLE = re.compile(r"(?<![\w@])@[A-Za-z0-9_][A-Za-z0-9_.]{1,29}")
_TIME_HANDLE = re.compile(r"@\d{1,2}(?::\d{2})?(?:am|pm)?$", re.IGNORECASE)
_MESSENGERS = (
    r"whats\s?app|watsapp|wa|telegram|tg|viber|instagram|insta|ig|snapchat|snap|sc|"
    r"واتساب|واتس\s?اب|واتس|وتساب|تلغرام|تليجرام|تيليجرام|تلكرام|فايبر|انستغرام|انستكرام|انستا|"
    r"سناب\s?شات|سناب|واتسئاپ|تێلێگرام|تیلیگرام|ئینستاگرام|ئینستا|سناپچات|سناپ|ڤایبەر"
)
_MESSENGER_HANDLE = re.compile(
    rf"(?<!\w)(?:{_MESSENGERS})(?P<sep>\s*[:：]\s*|\s+)(?P<handle>@?[A-Za-z0-9_.]{{3,30}})",
    re.IGNORECASE,
)
_PHONE = re.compile(rf"(?<![\w.,/:\-])(?:\+|00)?[{_DIGIT}(][{_DIGIT}\s().\-]{{6,}}[{_DIGIT}]")
_DATE_INSIDE = re.compile(r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}")
_YEAR = re.compile(r"^(?:19|20)\d{2}$")
_THOUSANDS = re.compile(r"^\d{1,3}(?:[.,]\d{3})+$")
_CURRENCY_AFTER = re.compile(
    r"^\s*(?:iqd|usd|eur|gbp|\$|€|£|دينار|دینار|د\.ع|dinars?|dollars?)", re.IGNORECASE
)
_CURRENCY_BEFORE = re.compile(r"(?:iqd|usd|\$|€|£|دينار|دینار)\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Masked:
    text: str
    masked: bool


def _ascii_digits(text: str) -> str:
    return text.translate(_DIGIT_TRANSLATION)


def _is_phone(text: str, start: int, end: int) -> bool:
    candidate = _ascii_digits(text[start:end]).strip()
    digits = re.sub(r"\D", "", candidate)
    if not _MIN_PHONE_DIGITS <= len(digits) <= _MAX_PHONE_DIGITS:
        return False
    if _THOUSANDS.match(candidate) or _DATE_INSIDE.search(candidate):
        return False
    groups = re.split(r"[\s().\-]+", candidate)
    if len(groups) > 1 and all(_YEAR.match(group) for group in groups):
        return False
    next_to_currency = _CURRENCY_AFTER.match(text[end : end + 8]) or _CURRENCY_BEFORE.search(
        text[max(0, start - 8) : start]
    )
    return next_to_currency is None


def _handle_is_contact(match: re.Match[str]) -> bool:
    handle = match.group("handle")
    if ":" in match.group("sep") or "：" in match.group("sep") or handle.startswith("@"):
        return True
    return any(ch.isdigit() or ch in "_." for ch in handle)


def _spans(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for pattern in (_SCHEME_URL, _WWW_URL, _DOMAIN_URL, _EMAIL, _SPELLED_EMAIL):
        spans.extend(m.span() for m in pattern.finditer(text))
    spans.extend(m.span() for m in _HANDLE.finditer(text) if not _TIME_HANDLE.match(m.group()))
    spans.extend(
        m.span("handle") for m in _MESSENGER_HANDLE.finditer(text) if _handle_is_contact(m)
    )
    spans.extend(m.span() for m in _PHONE.finditer(text) if _is_phone(text, *m.span()))
    return spans


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def mask_contacts(text: str) -> Masked:
    """`text` with every contact replaced by `[contact hidden]`, and whether any was."""
    spans = _merged(_spans(text))
    if not spans:
        return Masked(text, False)
    parts: list[str] = []
    cursor = 0
    for start, end in spans:
        parts.append(text[cursor:start])
        parts.append(MASK)
        cursor = end
    parts.append(text[cursor:])
    return Masked("".join(parts), True)
