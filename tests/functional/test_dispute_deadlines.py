"""Deadlines and the ladder: silence until response_due_at resolves for the opener (by
default, through the dispute's timer); an answered dispute never does; escalation 72 h
after the opening (409 before); the admin's decision (audited in its transaction); the
old admin `resolve` on the subject resolves its dispute too; the deadline reminder."""

from __future__ import annotations

from typing import Any

from tests.functional import money
from tests.functional.deals import ADMIN, CUSTOMER, STRANGER, TALENT, take
from tests.functional.disputing import (
    PRICE,
    books,
    disputed_booking,
    disputed_milestone,
    get,
    later,
    offer,
)
from tests.functional.notify_support import deliver, outbox_events
from tests.support import JsonClient


def _audit_of(dispute_id: str, target_type: str = "dispute") -> list[Any]:
    from chalicelib.models import audit

    found, _ = audit.list_entries(
        actor_id=None, target=(target_type, dispute_id), limit=10, cursor=None
    )
    return found


def test_silence_resolves_for_the_customer_who_opened(
    api: JsonClient, lambdas: Any, frozen_clock: Any
) -> None:
    booking, dispute = disputed_booking(api)
    later(frozen_clock, 71)
    money.sweep(lambdas)
    assert get(api, dispute["id"])["state"] == "awaiting_response"
    later(frozen_clock, 2)
    money.sweep(lambdas)
    resolved = get(api, dispute["id"])
    assert resolved["state"] == "resolved"
    assert resolved["outcome"] == {
        "refund_amount": {"amount": PRICE, "currency": "IQD"},
        "released_amount": {"amount": 0, "currency": "IQD"},
        "by": "default",
    }
    stored = api.get(f"/v1/bookings/{booking['id']}", as_user=CUSTOMER).body
    assert stored["state"] == "refunded"
    after = books(api)
    assert after[f"escrow:booking:{booking['id']}|IQD"] == 0
    assert after[f"customer:{stored['customer_id']}:refunds|IQD"] == PRICE


def test_silence_releases_to_the_talent_who_opened(
    api: JsonClient, lambdas: Any, frozen_clock: Any
) -> None:
    deal, milestone, dispute = disputed_milestone(api, by=TALENT)
    later(frozen_clock, 73)
    money.sweep(lambdas)
    assert get(api, dispute["id"])["outcome"]["by"] == "default"
    stored = api.get(f"/v1/milestones/{milestone['id']}", as_user=TALENT).body
    assert stored["state"] == "released"
    assert books(api)[f"talent:{deal['talent_id']}:available|USD"] == 900


def test_an_answered_dispute_never_resolves_by_default_and_escalates_after_72h(
    api: JsonClient, lambdas: Any, frozen_clock: Any
) -> None:
    booking, dispute = disputed_booking(api)
    assert offer(api, dispute["id"], TALENT, 50000).body["state"] == "negotiating"
    escalate = f"/v1/disputes/{dispute['id']}/escalate"
    too_early = api.post(escalate, as_user=CUSTOMER)
    assert too_early.status == 409, too_early.body
    assert get(api, dispute["id"])["state"] == "negotiating"
    later(frozen_clock, 80)
    money.sweep(lambdas)
    assert get(api, dispute["id"])["state"] == "negotiating"
    assert api.post(escalate, as_user=STRANGER).status == 404
    assert api.post(escalate, as_user=ADMIN).status == 403
    escalated = api.post(escalate, as_user=TALENT)
    assert escalated.status == 200, escalated.body
    assert escalated.body["state"] == "escalated" and escalated.body["decision_due_at"]
    queue = api.get("/v1/admin/disputes?state=escalated", as_user=ADMIN).body["items"]
    assert [d["id"] for d in queue] == [dispute["id"]]
    assert api.post(escalate, as_user=CUSTOMER).status == 409

    decide = f"/v1/admin/disputes/{dispute['id']}/decide"
    body = {"refund_amount": {"amount": 120000, "currency": "IQD"}, "note": "half shown"}
    assert api.post(decide, as_user=CUSTOMER, json_body=body).status == 403
    too_much = {"refund_amount": {"amount": PRICE + 1, "currency": "IQD"}, "note": "x"}
    assert api.post(decide, as_user=ADMIN, json_body=too_much).status == 400
    assert _audit_of(dispute["id"]) == []
    decided = api.post(decide, as_user=ADMIN, json_body=body)
    assert decided.status == 200, decided.body
    assert decided.body["outcome"]["by"] == "admin"
    assert decided.body["outcome"]["released_amount"]["amount"] == PRICE - 120000
    stored = api.get(f"/v1/bookings/{booking['id']}", as_user=CUSTOMER).body
    assert stored["state"] == "completed"
    after = books(api)
    assert after[f"escrow:booking:{booking['id']}|IQD"] == 0
    assert after[f"customer:{stored['customer_id']}:refunds|IQD"] == 120000
    [entry] = _audit_of(dispute["id"])
    assert (entry.action, entry.reason) == ("dispute.decide", "half shown")
    assert entry.after["outcome"]["refund_amount"]["amount"] == 120000
    assert api.post(decide, as_user=ADMIN, json_body=body).status == 409
    assert api.get("/v1/admin/disputes?state=escalated", as_user=ADMIN).body["items"] == []


def test_the_admin_decides_only_escalated_disputes(api: JsonClient, frozen_clock: Any) -> None:
    _, dispute = disputed_booking(api)
    body = {"refund_amount": {"amount": 1, "currency": "IQD"}, "note": "early"}
    reply = api.post(f"/v1/admin/disputes/{dispute['id']}/decide", as_user=ADMIN, json_body=body)
    assert reply.status == 409
    assert get(api, dispute["id"])["state"] == "awaiting_response"


def test_the_old_admin_resolve_resolves_the_dispute_too(api: JsonClient, frozen_clock: Any) -> None:
    booking, dispute = disputed_booking(api)
    reply = take(
        api, "bookings", booking["id"], "resolve", ADMIN, decision="refund", refund_amount=1000
    )
    assert reply.status == 200, reply.body
    resolved = get(api, dispute["id"])
    assert resolved["state"] == "resolved"
    assert resolved["outcome"]["by"] == "admin"
    assert resolved["outcome"]["refund_amount"]["amount"] == 1000
    assert [e.action for e in _audit_of(booking["id"], "booking")] == ["booking.resolve"]
    assert books(api)[f"escrow:booking:{booking['id']}|IQD"] == 0


def test_the_respondent_is_told_of_the_opening_and_reminded_of_the_deadline(
    api: JsonClient, lambdas: Any, frozen_clock: Any
) -> None:
    _, dispute = disputed_booking(api)
    opened = outbox_events("process.transition")
    assert deliver(lambdas, opened) == {"batchItemFailures": []}
    talent_items = api.get("/v1/notifications", as_user=TALENT).body["items"]
    told = [n for n in talent_items if n["type"] == "dispute.opened"]
    assert told and told[0]["link"] == {"type": "dispute", "id": dispute["id"]}
    customer_kinds = {
        n["type"] for n in api.get("/v1/notifications", as_user=CUSTOMER).body["items"]
    }
    assert "dispute.opened" not in customer_kinds

    # The reminder timer, 48 h after the opening (fired here, not swept, so its event is
    # still in the outbox to hand to the worker).
    later(frozen_clock, 49)
    from chalicelib import clock
    from chalicelib.models import timer_items
    from chalicelib.usecases import transitions
    from chalicelib.workers import process_timers

    [reminder] = [
        t
        for t in timer_items.due(clock.now())
        if t.kind == transitions.REMINDER_TIMER and t.payload["subject_id"] == dispute["id"]
    ]
    process_timers.send_reminder(reminder)
    [due] = outbox_events("dispute.response_due")
    assert due["detail"]["dispute_id"] == dispute["id"] and due["detail"]["due_at"]
    assert deliver(lambdas, [due]) == {"batchItemFailures": []}
    reminded = api.get("/v1/notifications", as_user=TALENT).body["items"]
    assert any(n["type"] == "dispute.response_due" for n in reminded)
    customer_kinds = {
        n["type"] for n in api.get("/v1/notifications", as_user=CUSTOMER).body["items"]
    }
    assert "dispute.response_due" not in customer_kinds


def test_both_parties_are_told_of_the_outcome(
    api: JsonClient, lambdas: Any, frozen_clock: Any
) -> None:
    from tests.functional.disputing import accept

    _, dispute = disputed_booking(api)
    made = offer(api, dispute["id"], TALENT, 1000).body["offers"][0]
    assert accept(api, dispute["id"], made["id"], CUSTOMER).status == 200
    resolved = [
        e
        for e in outbox_events("process.transition")
        if e["detail"]["subject"]["type"] == "dispute"
        and e["detail"]["transition"] == "accept_offer"
    ]
    assert len(resolved) == 1
    assert deliver(lambdas, resolved) == {"batchItemFailures": []}
    for who in (CUSTOMER, TALENT):
        items = api.get("/v1/notifications", as_user=who).body["items"]
        links = [n["link"] for n in items if n["type"] == "dispute.resolved"]
        assert links == [{"type": "dispute", "id": dispute["id"]}], who
