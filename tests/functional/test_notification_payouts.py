"""A payout marked paid announces `payout.paid` in its own transaction; the notifications
worker tells the talent in the app and by email (always: it is a receipt)."""

from __future__ import annotations

from typing import Any

from tests.functional.deals import ADMIN, TALENT
from tests.functional.factories import create_talent
from tests.functional.notify_support import deliver, emails_to, outbox_events
from tests.functional.test_payouts import (
    MANUAL_DETAILS,
    _deliver,
    _my_payouts,
    _put_method,
    _release,
    _request,
)
from tests.support import JsonClient


def test_a_paid_payout_tells_the_talent(api: JsonClient, lambdas: Any, aws_endpoint: str) -> None:
    # GIVEN a manual payout waiting, and a talent who turned emails off
    talent = create_talent(api, TALENT)
    prefs = {"notification_prefs": {"email": False}}
    assert api.patch("/v1/me", as_user=TALENT, json_body=prefs).status == 200
    assert _put_method(api, "manual", MANUAL_DETAILS).status == 200
    _release(talent["id"], 1234, "USD", provider="stripe")
    _deliver(lambdas, _request(talent["id"], 1234, "USD"))
    [payout] = _my_payouts(api)
    assert outbox_events("payout.paid") == []
    before = emails_to(aws_endpoint, TALENT)
    # WHEN an admin marks it paid
    reply = api.post(
        f"/v1/admin/payouts/{payout['id']}/paid", as_user=ADMIN, json_body={"reference": "bt-1"}
    )
    assert reply.status == 200, reply.body
    (event,) = outbox_events("payout.paid")
    assert event["detail"]["amount"] == {"amount": 1234, "currency": "USD"}
    assert deliver(lambdas, [event]) == {"batchItemFailures": []}
    # THEN the talent is told in the app, and by email despite the preference
    (item,) = api.get("/v1/notifications", as_user=TALENT).body["items"]
    assert item["type"] == "payout.paid"
    assert item["link"] == {"type": "payout", "id": payout["id"]}
    assert item["body"] == "We paid $12.34 out to you."
    (mail,) = [m for m in emails_to(aws_endpoint, TALENT) if m not in before]
    assert mail["notification_id"] == item["id"]
