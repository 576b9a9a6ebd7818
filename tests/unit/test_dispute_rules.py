"""The pure rules of disputes: refunds in range and currency, the default for the opener,
where a resolved subject ends, the outcome's shape, the dispute process as data."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from chalicelib.domain import disputes as rules
from chalicelib.domain import process_definitions
from chalicelib.domain.process_engine import decide
from chalicelib.errors import ConflictError, ForbiddenError, ValidationError

IN_DISPUTE = {"amount": 1000, "currency": "USD"}


@pytest.mark.parametrize("amount", [0, 1, 999, 1000])
def test_a_refund_from_zero_to_the_amount_in_dispute(amount: int) -> None:
    assert rules.check_refund({"amount": amount, "currency": "USD"}, IN_DISPUTE) == amount


@pytest.mark.parametrize(
    "refund",
    [
        {"amount": 1001, "currency": "USD"},
        {"amount": -1, "currency": "USD"},
        {"amount": 10, "currency": "IQD"},
        {"amount": True, "currency": "USD"},
        {"amount": 1.5, "currency": "USD"},
    ],
)
def test_other_refunds_are_400(refund: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        rules.check_refund(refund, IN_DISPUTE)


def test_silence_resolves_for_the_opener() -> None:
    assert rules.default_refund("customer", 1000) == 1000
    assert rules.default_refund("talent", 1000) == 0


@pytest.mark.parametrize(
    ("subject_type", "refund", "final"),
    [
        ("booking", 1000, "refunded"),
        ("booking", 999, "completed"),
        ("booking", 0, "completed"),
        ("milestone", 1000, "refunded"),
        ("milestone", 1, "released"),
    ],
)
def test_where_a_resolved_subject_ends(subject_type: str, refund: int, final: str) -> None:
    assert rules.final_state(subject_type, refund, 1000) == final


def test_the_outcome_is_money_objects_and_who_decided() -> None:
    assert rules.outcome(300, 1000, "USD", "admin") == {
        "refund_amount": {"amount": 300, "currency": "USD"},
        "released_amount": {"amount": 700, "currency": "USD"},
        "by": "admin",
    }


def test_the_deadlines_count_from_the_opening() -> None:
    opened = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    assert rules.response_due(opened) == datetime(2026, 12, 4, 12, 0, tzinfo=UTC)
    assert rules.escalation_opens(opened) == rules.response_due(opened)


def test_the_dispute_process_is_data() -> None:
    process = process_definitions.CURRENT["dispute"]
    assert process.initial == "awaiting_response" and process.terminal == {"resolved"}
    assert decide(process, "awaiting_response", "respond", "talent").target == "negotiating"
    assert decide(process, "negotiating", "escalate", "customer").target == "escalated"
    with pytest.raises(ConflictError):
        decide(process, "awaiting_response", "escalate", "customer")
    with pytest.raises(ForbiddenError):
        decide(process, "escalated", "decide", "customer", {"refund_amount": 1, "note": "x"})
    timer = process.to_json()["timers"][0]
    assert (timer["state"], timer["transition"]) == ("awaiting_response", "resolve_by_default")
    assert timer["at"] == [{"anchor": "start", "offset_seconds": 72 * 3600}]
