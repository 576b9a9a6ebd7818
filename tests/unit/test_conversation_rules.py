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


def test_the_same_body_window_is_a_sliding_hour() -> None:
    from chalicelib.domain.conversations import same_body_verdict

    at = datetime(2026, 11, 22, 10, 59, tzinfo=UTC)
    recent = {"a": at, "b": at + timedelta(seconds=30)}
    later = at + timedelta(minutes=2)
    refused = same_body_verdict(recent, "c", later)
    assert (refused.allowed, refused.recent) == (False, recent)
    assert refused.retry_at == at + timedelta(hours=1)  # when "a" leaves the window
    again = same_body_verdict(recent, "b", later)
    assert again.allowed and again.recent == {"a": at, "b": later}
    past_a = at + timedelta(minutes=60, seconds=10)  # "a" has left the window, "b" not yet
    gone = same_body_verdict(recent, "c", past_a)
    assert gone.allowed and gone.recent == {"b": recent["b"], "c": past_a}
    assert same_body_verdict({}, "a", at).recent == {"a": at}


def test_relation_facts_follow_the_states_the_worker_records() -> None:
    from chalicelib.domain.conversations import relation_facts

    assert relation_facts("booking", "requested", {}) == (False, False)
    assert relation_facts("booking", "confirmed", {}) == (True, False)
    assert relation_facts("booking", "completed", {}) == (True, True)
    # Cancelled after it was paid: it remembers the payment, so the two had paid.
    assert relation_facts("booking", "cancelled", {"payments": [{"payment_id": "p"}]}) == (
        True,
        False,
    )
    assert relation_facts("booking", "cancelled", {}) == (False, False)
    assert relation_facts("milestone", "funded", {}) == (True, False)
    assert relation_facts("milestone", "funding_required", {}) == (False, False)
    assert relation_facts("contract", "completed", {}) == (False, True)
    assert relation_facts("proposal", "accepted", {}) == (False, False)
