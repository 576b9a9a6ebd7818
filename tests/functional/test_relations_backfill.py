"""Relations paid or completed before the conversations worker recorded them count once the
backfill has run: the pair's contacts are no longer masked, the completed party is no longer
a new account. Functional tests never run the worker, so every subject here is exactly such
a relation. The backfill is idempotent and reads one customer's subjects by Queries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chalicelib.maintenance import backfill_relations
from chalicelib.models import conversation_limits as limits
from chalicelib.models.thread_items import fetch
from chalicelib.usecases import bookings
from tests.functional.deals import (
    CUSTOMER,
    START,
    STRANGER,
    TALENT,
    book,
    contract,
    system,
    take,
    talent_with_service,
)
from tests.functional.factories import count_items
from tests.functional.test_conversations import inquiry, user_id
from tests.support import JsonClient

PHONE = "call me on 0770 123 4567"


def _markers() -> int:
    return count_items("conversation_marker")


def _paid(a: str, b: str) -> bool:
    return limits.pair_key(a, b) in fetch([limits.pair_key(a, b)])


def _established(user: str) -> bool:
    return limits.standing_key(user) in fetch([limits.standing_key(user)])


def test_a_completed_booking_paid_before_the_markers_counts_after_the_backfill(
    api: JsonClient, frozen_clock: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    talent, service = talent_with_service(api)
    done = book(api, service["id"])
    take(api, "bookings", done["id"], "accept", TALENT)
    assert bookings.confirm_payment(done["id"], "pay-1").subject.state == "confirmed"
    frozen_clock.set(datetime.fromisoformat(START) + timedelta(minutes=5))
    assert take(api, "bookings", done["id"], "mark_delivered", TALENT).status == 200
    assert take(api, "bookings", done["id"], "confirm_completion", CUSTOMER).status == 200
    # Another customer's booking that was never paid makes no relation.
    asked = book(api, service["id"], STRANGER, "2026-12-20T18:00:00Z")
    customer, talent_user, stranger = (user_id(api, e) for e in (CUSTOMER, TALENT, STRANGER))
    # Before: the two are strangers to the markers, so contacts are masked.
    thread = inquiry(api, talent["id"], PHONE).body
    assert thread["last_message"]["masked"] is True
    assert _markers() == 0

    assert backfill_relations.main(["--customer", customer, "--customer", stranger]) == 0
    assert capsys.readouterr().out == (
        "2 subjects read; 1 paid relations and 2 established accounts marked\n"
    )
    assert _paid(customer, talent_user) and _established(customer) and _established(talent_user)
    assert not _paid(stranger, talent_user) and not _established(stranger)
    assert _markers() == 3
    again = api.post(
        f"/v1/threads/{thread['id']}/messages", as_user=CUSTOMER, json_body={"body": PHONE}
    )
    assert again.status == 201 and again.body["masked"] is False
    assert again.body["body"] == PHONE
    assert asked["state"] == "requested"

    # Idempotent: a second run (and the whole-table run) marks nothing new.
    assert backfill_relations.main(["--customer", customer]) == 0
    assert capsys.readouterr().out.endswith("0 paid relations and 0 established accounts marked\n")
    assert backfill_relations.main(["--all"]) == 0
    assert capsys.readouterr().out.startswith("2 subjects read; 0 paid relations")
    assert _markers() == 3


def test_a_funded_milestone_is_a_paid_relation_but_not_a_completion(
    api: JsonClient, frozen_clock: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    deal = contract(api)
    first = deal["milestones"][0]["id"]
    system("milestone", first, "payment_succeeded", payment_id="pay-1")
    customer, talent_user = user_id(api, CUSTOMER), user_id(api, TALENT)
    assert not _paid(customer, talent_user)

    assert backfill_relations.main(["--all"]) == 0
    # The contract, its two milestones and the proposal: only the funded milestone counts.
    assert capsys.readouterr().out.endswith("1 paid relations and 0 established accounts marked\n")
    assert _paid(customer, talent_user)
    assert not _established(customer) and not _established(talent_user)
    marker = fetch([limits.pair_key(customer, talent_user)])[limits.pair_key(customer, talent_user)]
    assert isinstance(marker, limits.MarkerItem) and marker.reason == f"milestone:{first}"
    assert marker.at == datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def test_the_command_needs_a_source(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        backfill_relations.main([])
    assert exited.value.code == 2
    assert "--all" in capsys.readouterr().err
