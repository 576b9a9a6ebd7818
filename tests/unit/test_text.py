"""Search text normalisation: the index and the query see the same words."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.domain.text import (
    MAX_QUERY_WORDS,
    MAX_TOKEN_LENGTH,
    MAX_TOKENS,
    normalize,
    query_words,
    tokens,
)

FAST = settings(max_examples=200, deadline=None)

# Arbitrary text, weighted towards the scripts and marks the rules are about.
ARABIC_BLOCK = st.characters(min_codepoint=0x0600, max_codepoint=0x06FF)
INTERESTING = st.sampled_from(
    [
        *"-‐ _.,'’!?@#/\u200b\u200c\u200d\u00ad\ufeffÉéßİıـ٠۹ ًٌٍَُِّْٰ",
        *"🎵ﻻﷲＡ①½각각ि",
        "👩\u200d🎤",  # an emoji sequence joined by a ZWJ
        "क्ष",  # a Devanagari conjunct (virama)
    ]
)
TEXT = st.lists(st.one_of(st.characters(), ARABIC_BLOCK, INTERESTING), max_size=40).map("".join)


# --- normalize -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "typed"),
    [
        ("أحمد", "احمد"),  # hamza on alef
        ("إبراهيم", "ابراهيم"),  # hamza under alef
        ("آمنة", "امنه"),  # madda, teh marbuta
        ("ٱلله", "الله"),  # wasla
        ("مُوسيقى", "موسيقي"),  # tashkeel, alef maqsura
        ("مــوســيــقــى", "موسيقي"),  # tatweel
        ("مؤسسة", "موسسه"),  # waw with hamza
        ("رئيس", "رييس"),  # yeh with hamza
        ("کوردی", "كوردي"),  # keheh and Farsi yeh (Kurdish/Persian keyboard)
        ("کوردی", "کوردي"),  # mixed keyboards
        ("بەهار", "بههار"),  # Kurdish ae
        ("ھونەر", "هونهر"),  # Kurdish heh doachashmee
        ("می\u200cخواهم", "میخواهم"),  # zero-width non-joiner
        ("ﻻ", "لا"),  # presentation-form ligature
        ("Café", "cafe"),
        ("CAFÉ", "café"),
        ("Zoë Ñoño", "zoe nono"),
        ("Straße", "STRASSE"),
        ("ＤＪ", "dj"),  # full-width Latin
        ("İstanbul", "istanbul"),
        ("٠١٢٣٤٥٦٧٨٩", "0123456789"),  # Arabic-Indic digits
        ("۰۱۲۳۴۵۶۷۸۹", "0123456789"),  # Extended Arabic-Indic (Persian, Kurdish) digits
        ("०१२", "012"),  # any decimal digit
        ("zero\u200bwidth", "zerowidth"),
        ("soft\u00adhyphen", "softhyphen"),
    ],
)
def test_variants_a_user_might_type_normalise_alike(written: str, typed: str) -> None:
    # GIVEN a word as written on a profile and as a user might type it
    # WHEN both are normalised
    # THEN they are the same key
    assert normalize(written) == normalize(typed)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("کوردی", "\u0643\u0648\u0631\u062f\u064a"),  # canonical kaf U+0643, yeh U+064A
        ("ى", "\u064a"),
        ("ة", "\u0647"),
        ("۱۲۳", "123"),
        ("Hello, World!", "hello, world!"),
        ("", ""),
    ],
)
def test_canonical_forms(text: str, expected: str) -> None:
    assert normalize(text) == expected


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("سَمَر", "سمير"),  # different words stay different
        ("ب", "ت"),
        ("music", "musik"),
        ("ع", "غ"),
    ],
)
def test_different_words_stay_different(one: str, other: str) -> None:
    assert normalize(one) != normalize(other)


@FAST
@given(TEXT)
def test_normalize_is_idempotent(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once


@FAST
@given(TEXT)
def test_normalize_leaves_no_format_characters_or_tatweel_or_non_ascii_digits(text: str) -> None:
    import unicodedata

    for ch in normalize(text):
        assert unicodedata.category(ch) != "Cf"
        assert ch != "\u0640"
        assert not unicodedata.combining(ch)
        if unicodedata.category(ch) == "Nd":
            assert "0" <= ch <= "9"


# --- tokens --------------------------------------------------------------------------


def test_tokens_are_normalised_words_without_punctuation_or_emoji() -> None:
    # GIVEN a headline in mixed scripts with emoji and punctuation
    text = "🎵 DJ Aḥmad — أفضل مُوسيقى!!! in Erbil/هەولێر, since 2019 (٢٠١٩) 🎉"
    # WHEN it is tokenised
    # THEN only words and numbers remain, normalised, in order, each once
    assert tokens(text) == [
        "dj",
        "ahmad",
        "افضل",
        "موسيقي",
        "in",
        "erbil",
        "ههولێر",
        "since",
        "2019",
    ]


def test_hyphenated_words_yield_parts_and_the_joined_form() -> None:
    assert tokens("Hip-Hop dancer") == ["hip", "hop", "hiphop", "dancer"]
    assert tokens("state-of-the-art") == ["state", "of", "the", "art", "stateoftheart"]
    assert tokens("hip\u2011hop") == ["hip", "hop", "hiphop"]  # non-breaking hyphen


def test_a_hyphen_joins_only_between_word_characters() -> None:
    assert tokens("hip - hop") == ["hip", "hop"]
    assert tokens("hip--hop") == ["hip", "hop"]
    assert tokens("-hip- hop-") == ["hip", "hop"]


def test_single_latin_letters_are_dropped_but_digits_and_other_scripts_kept() -> None:
    # GIVEN single characters of several kinds
    # WHEN tokenised
    # THEN a Latin initial goes, a digit or a letter of another script stays
    assert tokens("J. R. Smith") == ["smith"]
    assert tokens("a 5 piece band") == ["5", "piece", "band"]
    assert tokens("و ب 音") == ["و", "ب", "音"]
    assert tokens("x-y") == ["xy"]


def test_tokens_are_deduplicated_in_first_occurrence_order() -> None:
    assert tokens("Oud oud OUD ʿūd guitar oud") == ["oud", "ʿud", "guitar"]
    assert tokens("أحمد احمد Ahmed") == ["احمد", "ahmed"]


def test_tokens_are_capped() -> None:
    words = [f"w{i}" for i in range(100)]
    assert tokens(" ".join(words)) == words[:MAX_TOKENS]


def test_a_very_long_word_is_cut_to_the_token_length() -> None:
    assert tokens("a" * 500) == ["a" * MAX_TOKEN_LENGTH]


def test_text_with_no_words_has_no_tokens() -> None:
    assert tokens("") == []
    assert tokens("🎵🎉 !!! --- ... ـــ \u200c") == []


@FAST
@given(TEXT)
def test_each_token_is_its_own_only_token(text: str) -> None:
    for token in tokens(text):
        assert tokens(token) == [token]
        assert normalize(token) == token


@FAST
@given(TEXT)
def test_tokens_are_unique_bounded_and_of_normalised_text(text: str) -> None:
    found = tokens(text)
    assert len(found) == len(set(found)) <= MAX_TOKENS
    assert all(0 < len(token) <= MAX_TOKEN_LENGTH for token in found)
    assert tokens(normalize(text)) == found


# --- query_words ---------------------------------------------------------------------


def test_query_words_are_normalised_and_deduplicated() -> None:
    assert query_words("  Café  CAFE café ") == ["cafe"]
    assert query_words("مُوسيقى کوردی") == ["موسيقي", "كوردي"]
    assert query_words("") == []
    assert query_words("!!! 🎵") == []


def test_a_hyphenated_query_word_is_looked_up_joined() -> None:
    # GIVEN profiles written "hip-hop" and "hiphop"
    hyphenated, joined = set(tokens("hip-hop dancer")), set(tokens("hiphop dancer"))
    # WHEN a user searches with any of the spellings
    # THEN every query word is found in the profiles it should find
    assert query_words("hip-hop") == ["hiphop"]
    assert set(query_words("hip-hop")) <= hyphenated
    assert set(query_words("hip-hop")) <= joined
    assert set(query_words("hiphop")) <= hyphenated
    assert set(query_words("hip hop")) <= hyphenated


def test_query_words_allow_the_maximum_and_refuse_more() -> None:
    words = [f"word{i}" for i in range(MAX_QUERY_WORDS)]
    assert query_words(" ".join(words)) == words
    # duplicates and dropped noise do not count
    assert query_words(" ".join([*words, *words, "a", "!"])) == words
    with pytest.raises(ValueError, match="at most 8 words"):
        query_words(" ".join([*words, "onemore"]))


@FAST
@given(TEXT)
def test_a_profile_matches_a_query_of_its_own_words(text: str) -> None:
    # GIVEN a text that is indexed whole (under the token cap)
    indexed = tokens(text)
    if len(indexed) == MAX_TOKENS:
        return
    # WHEN the same text is searched for
    try:
        words = query_words(text)
    except ValueError:
        return
    # THEN every query word is one of its tokens
    assert set(words) <= set(indexed)
    assert len(words) <= MAX_QUERY_WORDS
