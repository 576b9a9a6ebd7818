"""Pure conversation rules: spam fingerprints and who counts as a new account."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from chalicelib.domain.conversations import body_fingerprint, is_new_account, seconds_until

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def test_the_fingerprint_ignores_case_spacing_and_compatibility_forms() -> None:
    first = body_fingerprint("Cheap fire shows, book now!")
    assert first is not None
    assert body_fingerprint("  cheap   FIRE shows,\nbook now!  ") == first
    assert body_fingerprint("Ｃｈｅａｐ fire shows, book now!") == first  # full-width letters
    assert body_fingerprint("Cheap fire shows, book later!") != first


def test_short_bodies_have_no_fingerprint() -> None:
    assert body_fingerprint("Thanks! 🙏") is None
    assert body_fingerprint("شكراً جزيلاً لك") is None


def test_new_accounts_are_young_or_have_completed_nothing() -> None:
    young = NOW - timedelta(hours=23)
    old = NOW - timedelta(days=30)
    assert is_new_account(young, NOW, established=True)
    assert is_new_account(old, NOW, established=False)
    assert not is_new_account(old, NOW, established=True)


def test_retry_after_is_at_least_a_second() -> None:
    assert seconds_until(NOW + timedelta(seconds=90), NOW) == 91
    assert seconds_until(NOW - timedelta(seconds=5), NOW) == 1
