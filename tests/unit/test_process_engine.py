"""The process definitions against the contract tables of API.md, every (state, transition,
actor) triple of them, plus parameters, timers and the checks a definition must pass."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.domain import process_definitions
from chalicelib.domain.process_engine import (
    ACTORS,
    At,
    Process,
    TimerSpec,
    decide,
    timers_entering,
)
from chalicelib.errors import ConflictError, ForbiddenError, NotFoundError, ValidationError

# API.md, "Booking process": (state, transition, actor) -> target, written out again here so
# that the definition is checked against the contract, not against itself.
BOOKING_TABLE = {
    ("requested", "accept", "talent"): "accepted",
    ("requested", "quote", "talent"): "quoted",
    ("requested", "decline", "talent"): "declined",
    ("requested", "expire", "system"): "expired",
    # An admin suspended the talent (API.md, "Moderation and admin").
    ("requested", "decline_suspended", "system"): "declined",
    ("quoted", "decline_suspended", "system"): "declined",
    ("quoted", "accept_quote", "customer"): "accepted",
    ("quoted", "decline_quote", "customer"): "declined",
    ("quoted", "expire", "system"): "expired",
    ("requested", "cancel", "customer"): "cancelled",
    ("quoted", "cancel", "customer"): "cancelled",
    ("accepted", "cancel", "customer"): "cancelled",
    ("accepted", "payment_succeeded", "system"): "confirmed",
    ("accepted", "expire", "system"): "expired",
    ("confirmed", "cancel", "customer"): "cancelled",
    ("confirmed", "cancel", "talent"): "cancelled",
    ("confirmed", "cancel_unpaid_balance", "system"): "cancelled",
    ("confirmed", "mark_delivered", "talent"): "delivered",
    ("confirmed", "mark_delivered", "system"): "delivered",
    ("delivered", "confirm_completion", "customer"): "completed",
    ("delivered", "auto_complete", "system"): "completed",
    ("confirmed", "dispute", "customer"): "disputed",
    ("delivered", "dispute", "customer"): "disputed",
    ("disputed", "resolve", "admin"): "completed",
    ("disputed", "dispute_settled", "system"): "refunded",
    # From API.md's prose: a day confirmed for another booking first ("slot_taken"), and the
    # balance after a deposit, which keeps the booking confirmed.
    ("accepted", "slot_taken", "system"): "cancelled",
    ("confirmed", "balance_paid", "system"): "confirmed",
}
MILESTONE_TABLE = {
    ("funding_required", "payment_succeeded", "system"): "funded",
    ("funding_required", "cancel", "customer"): "cancelled",
    ("funding_required", "cancel", "talent"): "cancelled",
    ("funded", "submit", "talent"): "submitted",
    ("submitted", "accept", "customer"): "released",
    ("submitted", "auto_approve", "system"): "released",
    ("submitted", "request_revision", "customer"): "funded",
    ("funded", "dispute", "customer"): "disputed",
    ("funded", "dispute", "talent"): "disputed",
    ("submitted", "dispute", "customer"): "disputed",
    ("submitted", "dispute", "talent"): "disputed",
    ("disputed", "resolve", "admin"): "released",
    ("disputed", "dispute_settled", "system"): "refunded",
}
# The parameters each transition needs to succeed.
VALID_PARAMS = {
    "quote": {"price": {"amount": 300000, "currency": "IQD"}},
    "cancel": {"reason": "plans changed"},
    "dispute": {"reason": "did not show up", "category": "no_show"},
    "resolve": {"decision": "release"},
    "dispute_settled": {"refund_amount": 100, "by": "agreement", "final": "refunded"},
    "submit": {"note": "done"},
    "request_revision": {"feedback": "please fix the header"},
}


def _triples(process: Process) -> list[tuple[str, str, str]]:
    return list(itertools.product(process.states, process.transition_names(), ACTORS))


@pytest.mark.parametrize(
    ("process", "table"),
    [
        (process_definitions.BOOKING_V1, BOOKING_TABLE),
        (process_definitions.MILESTONE_V1, MILESTONE_TABLE),
    ],
    ids=["booking", "milestone"],
)
def test_every_triple_matches_the_contract(
    process: Process, table: dict[tuple[str, str, str], str]
) -> None:
    for state, name, actor in _triples(process):
        expected = table.get((state, name, actor))
        if expected is not None:
            decision = decide(process, state, name, actor, VALID_PARAMS.get(name))  # type: ignore[arg-type]
            assert decision.target == expected, (state, name, actor)
            continue
        with pytest.raises((ForbiddenError, ConflictError)) as refused:
            decide(process, state, name, actor, VALID_PARAMS.get(name))  # type: ignore[arg-type]
        # 403 when this actor may never take it, 409 when only the state is wrong.
        actor_ever_allowed = any(key[1:] == (name, actor) for key in table)
        assert isinstance(refused.value, ConflictError) == actor_ever_allowed, (state, name, actor)


def test_unknown_transitions_are_404() -> None:
    with pytest.raises(NotFoundError):
        decide(process_definitions.BOOKING_V1, "requested", "teleport", "customer")


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("quote", {}),
        ("quote", {"price": {"amount": 12.5, "currency": "USD"}}),
        ("quote", {"price": {"amount": -5, "currency": "USD"}}),
        ("quote", {"price": 5000}),
        ("quote", {"price": {"amount": 5000, "currency": "USD"}, "discount": 5}),
        ("decline", {"reason": ""}),
        ("decline", {"reason": "x" * 2001}),
    ],
)
def test_bad_parameters_are_400(name: str, params: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        decide(process_definitions.BOOKING_V1, "requested", name, "talent", params)


def test_dispute_needs_a_known_category() -> None:
    with pytest.raises(ValidationError):
        decide(
            process_definitions.BOOKING_V1,
            "delivered",
            "dispute",
            "customer",
            {"reason": "x", "category": "vibes"},
        )


def test_a_resolution_decides_where_it_leads() -> None:
    refund = decide(
        process_definitions.BOOKING_V1, "disputed", "resolve", "admin", {"decision": "refund"}
    )
    release = decide(
        process_definitions.MILESTONE_V1, "disputed", "resolve", "admin", {"decision": "release"}
    )
    assert (refund.target, release.target) == ("refunded", "released")


NOW = datetime(2026, 12, 1, 10, tzinfo=UTC)


def _due(process: Process, state: str, **anchors: datetime) -> dict[str, datetime]:
    return {
        timer.name: due
        for timer, due in timers_entering(process, state, {"entered": NOW, **anchors})
    }


def test_booking_timers() -> None:
    start, end = NOW + timedelta(days=10), NOW + timedelta(days=10, hours=3)
    assert _due(process_definitions.BOOKING_V1, "requested") == {
        "expire_request": NOW + timedelta(hours=48)
    }
    assert _due(process_definitions.BOOKING_V1, "quoted") == {
        "expire_quote": NOW + timedelta(hours=72)
    }
    # Unpaid: 24 h after acceptance, or the start if that is sooner.
    assert _due(process_definitions.BOOKING_V1, "accepted", start=start) == {
        "expire_unpaid": NOW + timedelta(hours=24)
    }
    soon = NOW + timedelta(hours=5)
    assert _due(process_definitions.BOOKING_V1, "accepted", start=soon) == {"expire_unpaid": soon}
    assert _due(process_definitions.BOOKING_V1, "confirmed", start=start, end=end) == {
        "cancel_unpaid_balance": start - timedelta(hours=48),
        "deliver_at_end": end,
    }
    assert _due(process_definitions.BOOKING_V1, "delivered") == {
        "auto_complete": NOW + timedelta(hours=72)
    }
    assert _due(process_definitions.BOOKING_V1, "completed") == {}


def test_each_submission_arms_a_fresh_auto_approval() -> None:
    later = NOW + timedelta(days=3)
    first = timers_entering(process_definitions.MILESTONE_V1, "submitted", {"entered": NOW})
    again = timers_entering(process_definitions.MILESTONE_V1, "submitted", {"entered": later})
    assert [due for _, due in first] == [NOW + timedelta(hours=72)]
    assert [due for _, due in again] == [later + timedelta(hours=72)]


def test_a_timer_without_its_anchor_is_not_armed() -> None:
    assert _due(process_definitions.BOOKING_V1, "confirmed") == {}


def test_reminders_of_a_pending_request() -> None:
    names = [r.name for r in process_definitions.BOOKING_V1.reminders_for("requested")]
    assert names == ["request_pending_24h", "request_pending_48h"]


def test_definitions_that_cannot_work_are_refused() -> None:
    good = process_definitions.PROPOSAL_V1
    with pytest.raises(ValueError, match="unknown states"):
        Process("p", 1, "a", ("a",), frozenset(), good.transitions)
    with pytest.raises(ValueError, match="fires nothing"):
        Process(
            "p",
            1,
            "submitted",
            good.states,
            good.terminal,
            good.transitions,
            timers=(TimerSpec("t", "submitted", "accept", (At("entered", timedelta(hours=1)),)),),
        )


def test_every_process_is_published_as_data() -> None:
    published = {p.name: p.to_json() for p in process_definitions.CURRENT.values()}
    assert set(published) == {"booking", "milestone", "proposal", "contract", "dispute"}
    booking = published["booking"]
    assert booking["version"] == 1 and booking["initial"] == "requested"
    resolve = next(t for t in booking["transitions"] if t["name"] == "resolve")
    assert resolve["to"] == ["completed", "refunded"] and resolve["actors"] == ["admin"]
    assert {
        "name": "expire_request",
        "state": "requested",
        "transition": "expire",
        "at": [{"anchor": "entered", "offset_seconds": 48 * 3600}],
        "combine": "min",
        "when": None,
    } in booking["timers"]


def test_get_processes_publishes_every_version() -> None:
    from chalice.test import Client

    import app

    with Client(app.app) as client:
        response = client.http.get("/v1/processes")
    assert response.status_code == 200
    names = [(p["name"], p["version"]) for p in response.json_body["items"]]
    assert names == sorted(process_definitions.REGISTRY)
