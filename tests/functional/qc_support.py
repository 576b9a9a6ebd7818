"""Setups for the QC gate tests: report-required bookings taken to delivery, reports good
and weak, and the QC pipeline run as in production (outbox -> EventBridge, recorded here ->
the QC queue's Lambda handler)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from tests.functional.deals import CUSTOMER, TALENT, book, system, take
from tests.functional.factories import create_service, create_talent
from tests.support import JsonClient, Reply

START = "2026-12-10T18:00:00Z"
PRICE = 200_000
FEE = PRICE // 10  # PLATFORM_FEE_BPS default: 10 %
SUMMARY_WORDS = (
    "We reviewed your current role, the skills you enjoy using most, and the three "
    "companies you want to approach next quarter. We agreed your portfolio should lead "
    "with the logistics dashboard project because it shows measurable results. We "
    "practised two interview answers about leading a team through change, and you "
    "improved noticeably on the second try. Next session we will rehearse salary talks "
    "and review your updated profile together before you send any applications out to the "
    "hiring managers we named today."
)
ACTION_ITEMS = [
    "Rewrite the portfolio introduction around the dashboard project",
    "Practise the change leadership answer twice before Friday",
    "Send three tailored applications to the companies on your list",
]


class EventBus:
    """EventBridge as the app's client sees it, recording PutEvents."""

    def __init__(self) -> None:
        self.entries: list[dict[str, Any]] = []

    def put_events(self, Entries: list[dict[str, Any]]) -> dict[str, Any]:
        self.entries.extend(Entries)
        return {"FailedEntryCount": 0, "Entries": [{"EventId": "e"} for _ in Entries]}

    def of(self, detail_type: str) -> list[dict[str, Any]]:
        return [json.loads(e["Detail"]) for e in self.entries if e["DetailType"] == detail_type]


def good_report(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "summary": SUMMARY_WORDS,
        "action_items": list(ACTION_ITEMS),
        "rating": 5,
    }
    body.update(overrides)
    return body


def weak_report() -> dict[str, Any]:
    """Fails every default rule: short summary, 2 items (one short), a phone, no rating."""
    return {
        "summary": "Good session. Call me on 0770 123 4567 for more.",
        "action_items": ["Practise more", "Read the two books we discussed at length"],
    }


def qc_service(api: JsonClient, talent_email: str = TALENT, **overrides: Any) -> dict[str, Any]:
    talent = create_talent(api, talent_email)
    body: dict[str, Any] = {
        "title": "Career coaching, one hour",
        "category": "coaching.career",
        "pricing": {"type": "fixed", "price": {"amount": PRICE, "currency": "IQD"}},
        "duration_minutes": 60,
        "deposit_percent": 0,
    }
    body.update(overrides)
    return create_service(api, talent_email, talent["id"], **body)


def delivered(
    api: JsonClient,
    clock: Any,
    service_id: str,
    customer: str = CUSTOMER,
    start: str = START,
    talent: str = TALENT,
) -> dict[str, Any]:
    """Book, accept, pay, deliver (5 minutes after the start)."""
    booking = book(api, service_id, customer=customer, start=start)
    assert take(api, "bookings", booking["id"], "accept", talent).status == 200
    system("booking", booking["id"], "payment_succeeded", payment_id=f"pay_{booking['id']}")
    clock.set(datetime.fromisoformat(start.replace("Z", "+00:00")) + timedelta(minutes=5))
    reply = take(api, "bookings", booking["id"], "mark_delivered", talent)
    assert reply.status == 200, reply.body
    return dict(reply.body)


def complete(api: JsonClient, booking_id: str, customer: str = CUSTOMER) -> dict[str, Any]:
    reply = take(api, "bookings", booking_id, "confirm_completion", customer)
    assert reply.status == 200, reply.body
    return dict(reply.body)


def post_report(
    api: JsonClient, booking_id: str, body: dict[str, Any], as_user: str = TALENT
) -> Reply:
    return api.post(f"/v1/bookings/{booking_id}/report", as_user=as_user, json_body=body)


def publish_events() -> None:
    """The timers sweep's outbox part (and whatever else is due)."""
    from tests.functional.reviewing import sweep

    sweep()


def run_qc(lambdas: Any, bus: EventBus) -> dict[str, Any]:
    """Publish the outbox, then hand every `qc.report_submitted` EventBridge delivered to
    the QC queue's Lambda, as SQS would (distinct message ids). Returns its reply."""
    publish_events()
    bodies = [
        json.dumps(
            {"id": f"evt-{i}", "detail-type": e["DetailType"], "detail": json.loads(e["Detail"])}
        )
        for i, e in enumerate(bus.entries)
        if e["DetailType"] == "qc.report_submitted"
    ]
    bus.entries = [e for e in bus.entries if e["DetailType"] != "qc.report_submitted"]
    event = lambdas.events.generate_sqs_event(message_bodies=bodies, queue_name="marketplace-qc")
    for index, record in enumerate(event["Records"]):
        record["messageId"] = f"qc-{index}"
    return dict(lambdas.lambda_.invoke("qc_worker", event).payload)


def balances(talent_id: str) -> dict[str, int]:
    """The talent's pending and available IQD, from the ledger."""
    from chalicelib.domain import ledger as books
    from chalicelib.models import ledger as ledger_store

    found = {}
    for name, account in (
        ("pending", books.talent_pending(talent_id)),
        ("available", books.talent_available(talent_id)),
    ):
        found[name] = sum(
            b.balance for b in ledger_store.balances_of(account) if b.currency == "IQD"
        )
    return found


def trial_balance_is_zero() -> bool:
    from chalicelib.models import ledger as ledger_store

    totals: dict[str, int] = {}
    for balance in ledger_store.all_balances():
        totals[balance.currency] = totals.get(balance.currency, 0) + balance.balance
    return all(total == 0 for total in totals.values())
