"""The notification table and its texts, without AWS: every row is well formed, every
template exists in every language (no English fallback), Arabic and Kurdish say nothing in
Latin letters but the names they are given, and money and times follow the locale."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from chalicelib.domain import notification_kinds as table
from chalicelib.notify import i18n, render

TEMPLATES = sorted({rule.template for rules in table.TABLE.values() for rule in rules})
PARAMS = {"name": "Sam Lee", "service": "Wedding photos", "amount": "X1", "when": "X2"}
LATIN = re.compile(r"[A-Za-z]")


def test_every_row_is_well_formed_and_every_api_type_is_covered() -> None:
    table.check_table()
    kinds = {rule.kind for rules in table.TABLE.values() for rule in rules}
    assert kinds == set(table.KINDS)


def test_catalogues_hold_the_same_keys_with_the_same_placeholders() -> None:
    english = i18n.catalogue("en")
    assert english
    for language in ("ar", "ckb"):
        other = i18n.catalogue(language)
        assert set(other) == set(english), language
        for key, text in english.items():
            assert i18n.placeholders(other[key]) == i18n.placeholders(text), (language, key)


@pytest.mark.parametrize("language", i18n.LANGUAGES)
@pytest.mark.parametrize("template", TEMPLATES)
def test_each_template_renders_in_each_language(template: str, language: str) -> None:
    content = render.text(template, language, PARAMS)
    email = render.email(template, language, PARAMS, "Sam Lee", transactional=False)
    assert content.title and content.body
    assert email.subject == content.title and content.body in email.text
    rtl = language != "en"
    assert f'<html lang="{language}" dir="{"rtl" if rtl else "ltr"}">' in email.html
    if rtl:
        # Names, titles and formatted values are given; the rest must be translated.
        for text in (content.title, content.body, email.text):
            stripped = text
            for value in PARAMS.values():
                stripped = stripped.replace(value, "")
            assert not LATIN.search(stripped), (template, language, stripped)


def test_a_missing_translation_raises_instead_of_falling_back() -> None:
    with pytest.raises(i18n.MissingTranslationError):
        render.text("no.such.template", "ar", PARAMS)


def test_the_html_part_escapes_what_users_wrote() -> None:
    params = {**PARAMS, "name": "<script>x</script>"}
    email = render.email("booking.requested", "en", params, "<b>me</b>", transactional=False)
    assert "<script>" not in email.html and "&lt;script&gt;" in email.html
    assert "<b>me</b>" not in email.html


def test_money_per_currency_and_locale() -> None:
    assert i18n.money(250000, "IQD", "en") == "IQD250,000"
    assert "٢٥٠٬٠٠٠" in i18n.money(250000, "IQD", "ar")  # Arabic-Indic digits, no decimals
    assert "250,000" in i18n.money(250000, "IQD", "ckb")
    assert i18n.money(1250, "USD", "en") == "$12.50"
    with pytest.raises(ValueError):
        i18n.money(10, "", "en")


def test_times_are_in_the_recipients_zone() -> None:
    moment = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)
    assert i18n.when(moment, "Asia/Baghdad", "en") == "12/1/26, 6:00\u202fPM"
    assert i18n.when(moment, "UTC", "en") == "12/1/26, 3:00\u202fPM"
    assert "٦:٠٠" in i18n.when(moment, "Asia/Baghdad", "ar")


def test_user_locales_map_to_catalogues() -> None:
    assert [i18n.language_of(x) for x in ("en", "ar-IQ", "ku", "ckb", None, "fr")] == [
        "en",
        "ar",
        "ckb",
        "ckb",
        "en",
        "en",
    ]
