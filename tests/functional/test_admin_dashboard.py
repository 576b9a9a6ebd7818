"""The dashboard: the stats worker turns process transitions into state counters, daily GMV
and platform revenue, once per event id; users and pending payouts are counted in their
own transactions; a range reads day items (never a scan) and is at most 366 days."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.functional.conftest import ADMIN_EMAIL
from tests.functional.deals import CUSTOMER, TALENT, book, system, take, talent_with_service
from tests.functional.notify_support import outbox_events
from tests.support import JsonClient

ADMIN = ADMIN_EMAIL


def count(lambdas: Any, events: list[dict[str, Any]]) -> dict[str, Any]:
    sqs_event: dict[str, Any] = lambdas.events.generate_sqs_event(
        message_bodies=[json.dumps(e) for e in events], queue_name="marketplace-stats"
    )
    for index, record in enumerate(sqs_event["Records"]):
        record["messageId"] = f"msg-{index}"
    result: dict[str, Any] = lambdas.lambda_.invoke("stats_worker", sqs_event).payload
    return result


def seeded_payment(booking: dict[str, Any]) -> str:
    from chalicelib import clock, ids
    from chalicelib.models import payment_items

    now = clock.now()
    payment = payment_items.Payment(
        id=ids.new_id(),
        subject_type="booking",
        subject_id=booking["id"],
        payer_user_id=booking["customer_id"],
        talent_id=booking["talent_id"],
        provider="fib",
        order_ref=f"order-{booking['id']}",
        provider_ref=None,
        amount=booking["price"]["amount"],
        currency=booking["price"]["currency"],
        state="creating",
        action=None,
        failure=None,
        created_at=now,
        updated_at=now,
    )
    payment_items.start(payment)
    return payment.id


def dashboard(api: JsonClient, first: str, last: str) -> Any:
    return api.get(f"/v1/admin/dashboard?from={first}&to={last}", as_user=ADMIN)


def test_figures_from_transitions_counted_once(
    api: JsonClient, lambdas: Any, frozen_clock: Any
) -> None:
    _talent, service = talent_with_service(api, deposit_percent=0)
    booking = book(api, service["id"])
    declined = book(api, service["id"], start="2026-12-11T18:00:00Z")
    assert take(api, "bookings", declined["id"], "decline", TALENT).status == 200
    assert take(api, "bookings", booking["id"], "accept", TALENT).status == 200
    payment_id = seeded_payment(booking)
    system("booking", booking["id"], "payment_succeeded", payment_id=payment_id, provider="fib")
    frozen_clock.set(datetime(2026, 12, 10, 18, 5, tzinfo=UTC))
    assert take(api, "bookings", booking["id"], "mark_delivered", TALENT).status == 200
    assert take(api, "bookings", booking["id"], "confirm_completion", CUSTOMER).status == 200

    events = outbox_events("process.transition")
    assert len(events) == 7
    assert count(lambdas, events) == {"batchItemFailures": []}
    assert count(lambdas, events) == {"batchItemFailures": []}  # redelivered: counted once

    price = booking["price"]
    fee = price["amount"] * 1000 // 10000
    reply = dashboard(api, "2026-11-22", "2026-12-10")
    assert reply.status == 200, reply.body
    figures = reply.body
    assert figures["from"] == "2026-11-22" and figures["to"] == "2026-12-10"
    assert figures["gmv"] == {price["currency"]: price["amount"]}
    assert figures["platform_revenue"] == {price["currency"]: fee}
    assert figures["bookings_by_state"] == {"completed": 1, "declined": 1}
    assert figures["contracts_by_state"] == {}
    assert figures["disputes_open"] == 0
    # The talent and the customer provisioned on 11-22, the admin on 12-10 (its first call).
    assert figures["new_users"] == 3
    assert figures["active_talent"] == 2  # active on 11-22 and on 12-10 (a talent-day each)

    before_completion = dashboard(api, "2026-11-22", "2026-11-30").body
    assert before_completion["platform_revenue"] == {}
    assert before_completion["gmv"] == {price["currency"]: price["amount"]}
    assert before_completion["active_talent"] == 1
    assert before_completion["new_users"] == 2
    nothing = dashboard(api, "2026-10-01", "2026-10-31").body
    assert nothing["gmv"] == {} and nothing["new_users"] == 0


def test_pending_payouts_are_counted_in_the_payouts_own_transactions(
    api: JsonClient, frozen_clock: Any
) -> None:
    from tests.functional.test_admin_audit import manual_payout

    first, second = manual_payout(api), manual_payout(api)
    pending = dashboard(api, "2026-11-22", "2026-11-22").body["payouts_pending"]
    assert pending == {"count": 2, "amount": {"USD": 5000}}
    assert api.post(f"/v1/admin/payouts/{first}/paid", as_user=ADMIN, json_body={}).status == 200
    assert api.post(f"/v1/admin/payouts/{second}/failed", as_user=ADMIN, json_body={}).status == 200
    pending = dashboard(api, "2026-11-22", "2026-11-22").body["payouts_pending"]
    assert pending == {"count": 0, "amount": {}}


def test_ranges_are_checked(api: JsonClient, frozen_clock: Any) -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC).date()
    longest = (start + timedelta(days=365)).isoformat()
    assert dashboard(api, start.isoformat(), longest).status == 200
    too_long = (start + timedelta(days=366)).isoformat()
    for first, last in (("2026-01-01", too_long), ("2026-02-02", "2026-02-01"), ("x", "y")):
        reply = dashboard(api, first, last)
        assert reply.status == 400 and reply.error_code == "VALIDATION_ERROR", (first, last)
    assert api.get("/v1/admin/dashboard?from=2026-01-01", as_user=ADMIN).status == 400
    assert dashboard(api, "2026-01-01", "2026-01-02").status == 200
    assert (
        api.get("/v1/admin/dashboard?from=2026-01-01&to=2026-01-02", as_user=CUSTOMER).status == 403
    )


def test_a_payment_the_table_lacks_still_moves_the_state_counters(
    api: JsonClient, lambdas: Any, frozen_clock: Any
) -> None:
    _talent, service = talent_with_service(api, deposit_percent=0)
    booking = book(api, service["id"])
    assert take(api, "bookings", booking["id"], "accept", TALENT).status == 200
    system("booking", booking["id"], "payment_succeeded", payment_id="pay-missing")
    assert count(lambdas, outbox_events("process.transition")) == {"batchItemFailures": []}
    figures = dashboard(api, "2026-11-22", "2026-11-22").body
    assert figures["bookings_by_state"] == {"confirmed": 1}
    assert figures["gmv"] == {}
