"""The payment scenarios of bench/ddb_calls.py: opening a payment, a provider's callback
taken in, the webhook processor acting on it, and a refund sent. They run against FIB's
sandbox (served in process, as in the functional tests); only DynamoDB requests count.

Each scenario is (name, call, setup, budget, expected status); ddb_calls.py wraps them in
its Scenario and prints and checks them with the rest."""

from __future__ import annotations

import os
from collections.abc import Callable
from contextlib import ExitStack
from typing import Any

from tests.functional.deals import book, take, talent_with_service
from tests.support import JsonClient, Reply

PAYEE = "payee@example.com"
PAYER = "payer@example.com"

_state: dict[str, Any] = {}
_stack = ExitStack()
_day = iter(range(1, 10_000))

Scenario = tuple[str, Callable[[JsonClient], Reply], Callable[[JsonClient], None], int, int]


def _ok(reply: Reply) -> Reply:
    assert reply.status in (200, 201), (reply.status, reply.body)
    return reply


def _sandbox(api: JsonClient) -> Any:
    """Once: FIB's sandbox on loopback, the app configured for it, a payee and a payer."""
    if "sandbox" in _state:
        return _state["sandbox"]
    from chalicelib.payments import registry
    from chalicelib.settings import reset_settings
    from devstack.sandbox.providers import SANDBOX_SECRETS
    from tests.payments_sandbox import serve_provider

    sandbox = _stack.enter_context(serve_provider("fib"))
    os.environ.update(SANDBOX_SECRETS)
    os.environ["FIB_BASE_URL"] = f"{sandbox.url}/fib"
    os.environ["PUBLIC_API_URL"] = sandbox.api_url  # callbacks are recorded, handed over here
    reset_settings()
    registry.reset()
    _state["sandbox"] = sandbox
    _, service = talent_with_service(api, PAYEE, deposit_percent=0)
    _state["service"] = service["id"]
    _ok(api.get("/v1/me", as_user=PAYER))
    return sandbox


def _accepted_booking(api: JsonClient) -> None:
    _sandbox(api)
    start = f"2027-01-{next(_day) % 28 + 1:02d}T18:00:00Z"
    booking = book(api, _state["service"], PAYER, start)["id"]
    _ok(take(api, "bookings", booking, "accept", PAYEE))
    _state["booking"] = booking


def _pay(api: JsonClient) -> Reply:
    body = {"subject": {"type": "booking", "id": _state["booking"]}, "provider": "fib"}
    return api.post("/v1/payments", as_user=PAYER, json_body=body)


def _paid_at_fib(api: JsonClient) -> None:
    """An open payment the payer has just paid in the FIB app: its callback is waiting."""
    import requests

    _accepted_booking(api)
    sandbox = _sandbox(api)
    payment = _ok(_pay(api)).body
    _state["payment"] = payment["id"]
    sandbox.callbacks.clear()
    answer = requests.post(
        f"{sandbox.url}/fib/payments/{payment['provider_ref']}/complete", timeout=10
    )
    answer.raise_for_status()
    [callback] = sandbox.callbacks
    _state["callback"] = callback


def _deliver(api: JsonClient) -> Reply:
    callback = _state["callback"]
    return api.request(
        "POST",
        "/v1/payments/webhook/fib",
        body=callback.body,
        headers={"Content-Type": callback.headers.get("content-type", "application/json")},
    )


def _received_webhook(api: JsonClient) -> None:
    from chalicelib.models import payment_items as payment_store

    _paid_at_fib(api)
    _ok(_deliver(api))
    found, _ = payment_store.list_webhooks("received", limit=1, cursor=None)
    _state["webhook"] = found[0].webhook_id


def _process(api: JsonClient) -> Reply:
    from chalicelib.models import payment_items as payment_store
    from chalicelib.workers.webhooks import process_webhook

    process_webhook({"type": "webhook.received", "webhook_id": _state["webhook"]})
    state = payment_store.require(_state["payment"]).state
    return Reply(200 if state == "succeeded" else 409, {"state": state}, {}, b"")


def _refund_owed(api: JsonClient) -> None:
    """A paid booking its customer then cancelled in full-refund time: a refund is due."""
    from chalicelib import clock
    from chalicelib.models import refund_items, timer_items

    _received_webhook(api)
    _process(api)
    _ok(take(api, "bookings", _state["booking"], "cancel", PAYER, reason="plans changed"))
    due = [
        timer
        for timer in timer_items.due(clock.now())
        if timer.kind == refund_items.REFUND_TIMER
        and timer.payload["payment_id"] == _state["payment"]
    ]
    assert len(due) == 1, due
    _state["refund_timer"] = due[0]


def _send_refund(api: JsonClient) -> Reply:
    from chalicelib.models import refund_items
    from chalicelib.usecases import refunds as refunding

    timer = _state["refund_timer"]
    refunding.send(timer)
    refund = refund_items.get(timer.id)
    ok = refund is not None and refund.state in {"refunded", "refund_pending"}
    return Reply(200 if ok else 409, {"state": refund.state if refund else None}, {}, b"")


def payment_scenarios() -> list[Scenario]:
    # Budgets: the reads and writes each step needs, no more (see the notes printed by
    # ddb_calls.py for what each request is).
    return [
        # auth, the subject, the payment recorded `creating` before FIB is asked, one
        # transaction (pending + provider-reference pointer + recheck timer), the payment
        # read back for the answer.
        ("POST /v1/payments (fib)", _pay, _accepted_booking, 5, 201),
        # No bearer token: the raw callback is stored (one write) and queued.
        ("POST /v1/payments/webhook/fib (intake)", _deliver, _paid_at_fib, 1, 200),
        # Measured 7 reads (the webhook, the reference pointer, the payment, the payment again
        # in settlement's retry loop (a fresh read each attempt; the first could reuse the
        # caller's: not done), the subject, reads back), one transaction (payment + subject
        # + ledger), the webhook marked, and this bench's own read of the result.
        ("webhooks processor: FIB says PAID (in process)", _process, _received_webhook, 9, 200),
        # The refund record, the payment, the claim, one transaction (refund done + ledger).
        ("payments.refund timer: sent via FIB (in process)", _send_refund, _refund_owed, 5, 200),
    ]


def close() -> None:
    _stack.close()
