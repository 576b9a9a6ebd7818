"""Translations from gettext catalogues (`locale/<lang>/LC_MESSAGES/messages.po`), read with
Babel on first use. Messages are keyed (`booking.requested.title`), and a key missing or
empty in a language raises instead of falling back to English."""

from __future__ import annotations

import functools
import string
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

LANGUAGES = ("en", "ar", "ckb")
_LOCALE_DIR = Path(__file__).parent / "locale"
# Babel locales used for numbers and dates (the region gives IQD its local symbol).
_BABEL_LOCALE = {"en": "en", "ar": "ar_IQ", "ckb": "ckb_IQ"}
# The CLDR data files those need (each locale's parents, and root): the deployment package
# ships only these of Babel's ~1000 (infra/package.py).
BABEL_DATA_FILES = ("root", "en", "ar", "ar_IQ", "ckb", "ckb_IQ")
_ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


class MissingTranslationError(LookupError):
    """A message has no translation in a language: a bug, never an English fallback."""


def language_of(locale: str | None) -> str:
    """The catalogue for a user's `locale` (`ar-IQ` -> ar; `ku` is Sorani here, as `ckb`)."""
    base = (locale or "en").replace("_", "-").split("-", 1)[0].lower()
    if base == "ku":
        return "ckb"
    return base if base in LANGUAGES else "en"


@functools.cache
def catalogue(language: str) -> Mapping[str, str]:
    from babel.messages.pofile import read_po

    path = _LOCALE_DIR / language / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    return {
        str(message.id): str(message.string)
        for message in catalog
        if message.id and message.string and not message.fuzzy
    }


def gettext(language: str, key: str) -> str:
    try:
        return catalogue(language)[key]
    except KeyError:
        raise MissingTranslationError(f"no {language} translation for {key!r}") from None


def placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field}


def translate(language: str, key: str, params: Mapping[str, str]) -> str:
    """The message filled with `params`; a placeholder without a value raises (KeyError)."""
    return gettext(language, key).format_map(dict(params))


def is_rtl(language: str) -> bool:
    from babel import Locale

    return bool(Locale.parse(_BABEL_LOCALE[language]).character_order == "right-to-left")


def money(amount: int, currency: str, language: str) -> str:
    """Integer minor units, formatted per currency (IQD has no decimals) and locale (Arabic
    prints Arabic-Indic digits)."""
    from babel.numbers import format_currency, get_currency_precision

    if not isinstance(amount, int) or isinstance(amount, bool) or not currency:
        raise ValueError(
            f"money needs an integer amount and a currency, not {amount!r} {currency!r}"
        )
    major = amount / 10 ** get_currency_precision(currency)
    options: dict[str, Any] = {"numbering_system": "arab"} if language == "ar" else {}
    text = str(format_currency(major, currency, locale=_BABEL_LOCALE[language], **options))
    # Babel gives Arabic separators but Latin digits; Iraqi Arabic writes Arabic-Indic ones.
    return text.translate(_ARABIC_INDIC) if language == "ar" else text


def when(moment: datetime, timezone: str, language: str) -> str:
    """A moment in the recipient's time zone, in their language's medium date-time form."""
    from babel.dates import format_datetime

    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    text = str(format_datetime(moment, "short", tzinfo=zone, locale=_BABEL_LOCALE[language]))
    return text.translate(_ARABIC_INDIC) if language == "ar" else text
