"""Payouts: a talent's payout method; a release's payout through FIB (the sandbox), Stripe
(a stand-in driver) or the manual batch; each payout moves money once, through balanced
ledger entries `talent:available -> payouts_in_transit -> provider`."""

from __future__ import annotations

import csv
import io
import json
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar

import pytest

from chalicelib.payments import registry
from chalicelib.payments.base import Capabilities, PayoutRef
from devstack.sandbox.providers import SANDBOX_SECRETS
from tests.functional.deals import ADMIN, CUSTOMER, TALENT
from tests.functional.factories import create_talent
from tests.payments_sandbox import Sandbox, serve_provider
from tests.support import JsonClient

FIB_IBAN = "IQ23FIQB004073628710001"  # a FIB account: the sandbox authorises payouts to it
OTHER_BANK_IBAN = "IQ20RAFB004073628710001"  # another bank: the sandbox fails the payout
MANUAL_DETAILS = {
    "bank_name": "Rafidain Bank",
    "account_name": "Layla Fire",
    "account_number": "0012 3456 7890",
}


# --- helpers -----------------------------------------------------------------------------


def _balances(api: JsonClient) -> dict[str, int]:
    reply = api.get("/v1/admin/ledger/trial-balance", as_user=ADMIN)
    assert reply.status == 200, reply.body
    assert reply.body["balanced"] is True, reply.body
    return {f"{a['account']}|{a['currency']}": a["balance"] for a in reply.body["accounts"]}


def _talent_accounts(api: JsonClient, talent_id: str, currency: str) -> tuple[int, int]:
    """(available, in transit) of a talent."""
    balances = _balances(api)
    return (
        balances.get(f"talent:{talent_id}:available|{currency}", 0),
        balances.get(f"payouts_in_transit:{talent_id}|{currency}", 0),
    )


def _release(
    talent_id: str, amount: int, currency: str, provider: str = "fib", *, schedule: bool = False
) -> str:
    """Customer money into escrow, then released whole to the talent (no fee here), the
    release scheduling its payout in its own transaction as effects.py does. Returns the
    release's entry id."""
    from chalicelib import clock
    from chalicelib.domain import ledger as books
    from chalicelib.models import ledger as ledger_store
    from chalicelib.models.writes import Writes
    from chalicelib.usecases.payouts import scheduling

    key = uuid.uuid4().hex[:12]
    escrow = books.escrow("booking", key)
    writes = Writes()
    received = books.payment_received(f"test-{key}-received", provider, escrow, amount, currency)
    ledger_store.post_in(writes, received)
    writes.commit("test: received")
    entry = books.settle(
        f"test-{key}-settled",
        escrow_account=escrow,
        currency=currency,
        to_talent=amount,
        to_customer=0,
        talent_id=talent_id,
        customer_id="customer-1",
        fee_bps=0,
        memo="released to the talent",
        held_for_qc=False,
    )
    assert entry is not None
    writes = Writes()
    ledger_store.post_in(writes, entry)
    if schedule:
        scheduling.schedule_payout_in(
            writes,
            talent_id=talent_id,
            amount=amount,
            currency=currency,
            source_entry_id=entry.id,
            now=clock.now(),
        )
    writes.commit("test: released")
    return entry.id


def _sweep(lambdas: Any) -> dict[str, int]:
    event = lambdas.events.generate_cw_event(
        source="aws.events", detail_type="Scheduled Event", detail={}, resources=[]
    )
    report = dict(lambdas.lambda_.invoke("timers_sweep", event).payload)
    assert report["failed"] == 0, report
    return report


def _deliver(lambdas: Any, message: dict[str, Any]) -> None:
    """Hand one payouts-queue message to the payouts worker, as SQS would."""
    event = lambdas.events.generate_sqs_event(
        message_bodies=[json.dumps(message)], queue_name="marketplace-payouts"
    )
    for index, record in enumerate(event["Records"]):
        record["messageId"] = f"msg-{index}"
    result = lambdas.lambda_.invoke("payouts_worker", event).payload
    assert result == {"batchItemFailures": []}, result


def _queued_request(payout_id: str) -> dict[str, Any]:
    """The `payout.requested` message for `payout_id`, taken off the real payouts queue."""
    from chalicelib import clients
    from chalicelib.settings import get_settings

    sqs = clients.client("sqs")
    url = get_settings().queue_url("payouts")
    for _ in range(50):
        answer = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0)
        for received in answer.get("Messages", []):
            body = json.loads(received["Body"])
            if body.get("payout_id") == payout_id:
                sqs.delete_message(QueueUrl=url, ReceiptHandle=received["ReceiptHandle"])
                return dict(body)
        time.sleep(0.1)
    raise AssertionError(f"no payout.requested message for {payout_id}")


def _request(talent_id: str, amount: int, currency: str) -> dict[str, Any]:
    """A payout requested directly: the message, as request_payout sends it."""
    from chalicelib.usecases.payouts import scheduling

    payout_id = scheduling.request_payout(talent_id, amount, currency)
    return _queued_request(payout_id)


def _my_payouts(api: JsonClient) -> list[dict[str, Any]]:
    reply = api.get("/v1/me/payouts", as_user=TALENT)
    assert reply.status == 200, reply.body
    return list(reply.body["items"])


def _put_method(api: JsonClient, provider: str, details: dict[str, Any]) -> Any:
    return api.put(
        "/v1/me/payout-method",
        as_user=TALENT,
        json_body={"provider": provider, "details": details},
    )


@pytest.fixture(scope="module")
def fib_served() -> Iterator[Sandbox]:
    with serve_provider("fib") as running:
        yield running


@pytest.fixture
def fib(fib_served: Sandbox, monkeypatch: pytest.MonkeyPatch) -> Iterator[Sandbox]:
    monkeypatch.setenv("FIB_BASE_URL", f"{fib_served.url}/fib")
    monkeypatch.setenv("FIB_CLIENT_ID", SANDBOX_SECRETS["FIB_CLIENT_ID"])
    monkeypatch.setenv("FIB_CLIENT_SECRET", SANDBOX_SECRETS["FIB_CLIENT_SECRET"])
    registry.reset()
    yield fib_served
    registry.reset()


@dataclass
class FakeStripe:
    """Stands in for the Stripe driver: the interface the payouts code relies on."""

    name: ClassVar[str] = "stripe"
    capabilities: ClassVar[Capabilities] = Capabilities(
        currencies=frozenset({"USD", "EUR", "GBP"}),
        refund=True,
        partial_refund=True,
        cancel=True,
        payout=True,
        signed_callbacks=True,
    )
    accounts: list[tuple[str, str, str | None]] = field(default_factory=list)
    transfers: list[tuple[dict[str, Any], int, str, str]] = field(default_factory=list)

    def create_express_account(
        self, email: str, country: str, *, reference: str | None = None
    ) -> Any:
        self.accounts.append((email, country, reference))
        return type("Account", (), {"account_id": f"acct_{len(self.accounts):04d}"})()

    def account_link(self, account_id: str, refresh_url: str, return_url: str) -> Any:
        return type("Link", (), {"url": f"https://connect.stripe.test/setup/{account_id}"})()

    def payout(self, destination: Any, amount: int, currency: str, *, reference: str) -> PayoutRef:
        self.transfers.append((dict(destination), amount, currency, reference))
        return PayoutRef(payout_ref=f"tr_{reference}", state="paid")


@pytest.fixture
def stripe() -> Iterator[FakeStripe]:
    registry.reset()
    fake = FakeStripe()
    registry._built["stripe"] = fake  # type: ignore[assignment]
    yield fake
    registry.reset()


# --- the payout method -------------------------------------------------------------------


def test_a_payout_method_is_a_talents_and_is_checked(api: JsonClient) -> None:
    # GIVEN a customer without a talent profile, THEN it has no payout method to set
    reply = api.put(
        "/v1/me/payout-method",
        as_user=CUSTOMER,
        json_body={"provider": "fib", "details": {"iban": FIB_IBAN}},
    )
    assert reply.status == 403, reply.body
    assert api.get("/v1/me/payout-method", as_user=CUSTOMER).status == 403
    create_talent(api, TALENT)
    assert api.get("/v1/me/payout-method", as_user=TALENT).status == 404
    # WHEN the IBAN is not an IBAN, or an Iraqi one has the wrong length, THEN 400
    for bad in ("not an iban", "IQ23FIQB00407362871000", "12FIQB004073628710001", "IQ2"):
        reply = _put_method(api, "fib", {"iban": bad})
        assert reply.status == 400, (bad, reply.body)
        assert reply.error_code == "VALIDATION_ERROR"
    assert _put_method(api, "fib", {}).status == 400
    assert _put_method(api, "fib", {"iban": FIB_IBAN, "extra": 1}).status == 400
    assert _put_method(api, "manual", {"bank_name": "Rafidain"}).status == 400
    assert _put_method(api, "paypal", {}).status == 400
    # WHEN a valid IBAN is given (spaces and case do not matter), THEN it is kept, masked
    reply = _put_method(api, "fib", {"iban": "iq23 fiqb 0040 7362 8710 001"})
    assert reply.status == 200, reply.body
    assert reply.body["provider"] == "fib"
    assert reply.body["details"]["iban"] == "****0001"
    assert FIB_IBAN not in json.dumps(reply.body)
    got = api.get("/v1/me/payout-method", as_user=TALENT)
    assert got.status == 200 and got.body["details"]["iban_last4"] == "0001"
    # AND a manual method is bank details, its account number masked
    reply = _put_method(api, "manual", MANUAL_DETAILS)
    assert reply.status == 200, reply.body
    assert reply.body["details"]["account_number"] == "****7890"
    assert reply.body["details"]["bank_name"] == "Rafidain Bank"


def test_stripe_onboarding_creates_one_express_account(api: JsonClient, stripe: FakeStripe) -> None:
    talent = create_talent(api, TALENT)
    first = _put_method(api, "stripe", {"country": "US"})
    assert first.status == 200, first.body
    assert first.body["details"]["account"] == "acct_0001"
    assert first.body["onboarding_url"] == "https://connect.stripe.test/setup/acct_0001"
    # Asking again (the link expired) gives a new link to the same account.
    _put_method(api, "manual", MANUAL_DETAILS)
    again = _put_method(api, "stripe", {})
    assert again.status == 200, again.body
    assert again.body["details"]["account"] == "acct_0001"
    # One account, created with the talent's id as its idempotency reference.
    assert stripe.accounts == [(TALENT, "US", talent["id"])]


def test_a_stripe_driver_that_cannot_onboard_is_a_502(
    api: JsonClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    registry.reset()
    registry._built["stripe"] = object()  # type: ignore[assignment]
    try:
        create_talent(api, TALENT)
        reply = _put_method(api, "stripe", {"country": "US"})
        assert reply.status == 502, reply.body
        assert reply.error_code == "PROVIDER_ERROR"
    finally:
        registry.reset()


# --- payouts -----------------------------------------------------------------------------


def test_a_release_is_paid_out_through_fib(
    api: JsonClient, lambdas: Any, frozen_clock: Any, fib: Sandbox
) -> None:
    talent = create_talent(api, TALENT)
    assert _put_method(api, "fib", {"iban": FIB_IBAN}).status == 200
    # WHEN escrow is released, its payout is scheduled in the same transaction
    release = _release(talent["id"], 270_000, "IQD", schedule=True)
    assert _talent_accounts(api, talent["id"], "IQD") == (270_000, 0)
    # AND the sweep fires the timer (no hold): a payout.requested message is queued
    _sweep(lambdas)
    from chalicelib.usecases.payouts import scheduling

    message = _queued_request(scheduling.payout_id_for(release))
    assert message["amount"] == 270_000 and message["source_entry_id"] == release
    _deliver(lambdas, message)
    # THEN the money is in transit and FIB has the payout (no callback: polled later)
    assert _talent_accounts(api, talent["id"], "IQD") == (0, 270_000)
    [payout] = _my_payouts(api)
    assert payout["state"] == "provider_pending", payout
    assert payout["method"] == "fib" and payout["provider_ref"]
    assert payout["destination"]["iban"] == "****0001"
    # WHEN the status check comes due
    frozen_clock.advance(3 * 60)
    _sweep(lambdas)
    # THEN it is paid: out of transit, to the provider, the ledger balanced
    [payout] = _my_payouts(api)
    assert payout["state"] == "paid", payout
    assert payout["paid_at"]
    balances = _balances(api)
    assert balances[f"talent:{talent['id']}:available|IQD"] == 0
    assert balances[f"payouts_in_transit:{talent['id']}|IQD"] == 0
    assert balances["provider:fib|IQD"] == 0  # what the customer paid in went out to the talent
    # AND a later sweep or a redelivered message changes nothing
    _sweep(lambdas)
    _deliver(lambdas, message)
    assert _balances(api) == balances
    assert [p["state"] for p in _my_payouts(api)] == ["paid"]


def test_a_failed_fib_payout_returns_the_money(
    api: JsonClient, lambdas: Any, frozen_clock: Any, fib: Sandbox
) -> None:
    talent = create_talent(api, TALENT)
    assert _put_method(api, "fib", {"iban": OTHER_BANK_IBAN}).status == 200
    _release(talent["id"], 50_000, "IQD")
    _deliver(lambdas, _request(talent["id"], 50_000, "IQD"))
    assert _talent_accounts(api, talent["id"], "IQD") == (0, 50_000)
    frozen_clock.advance(3 * 60)
    _sweep(lambdas)
    [payout] = _my_payouts(api)
    assert payout["state"] == "failed", payout
    assert _talent_accounts(api, talent["id"], "IQD") == (50_000, 0)


def test_a_manual_payout_is_batched_then_marked_paid_once(
    api: JsonClient, lambdas: Any, frozen_clock: Any
) -> None:
    talent = create_talent(api, TALENT)
    assert _put_method(api, "manual", MANUAL_DETAILS).status == 200
    _release(talent["id"], 1234, "USD", provider="stripe")
    message = _request(talent["id"], 1234, "USD")
    _deliver(lambdas, message)
    [payout] = _my_payouts(api)
    assert payout["state"] == "manual_pending", payout
    assert _talent_accounts(api, talent["id"], "USD") == (0, 1234)
    # The batch is a CSV for admins only.
    assert api.get("/v1/admin/payouts/manual.csv", as_user=TALENT).status == 403
    reply = api.get("/v1/admin/payouts/manual.csv", as_user=ADMIN)
    assert reply.status == 200
    assert reply.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(reply.raw.decode())))
    assert rows == [
        {
            "talent_id": talent["id"],
            "account_name": "Layla Fire",
            "account_number": "0012 3456 7890",
            "bank_name": "Rafidain Bank",
            "amount": "12.34",
            "currency": "USD",
            "payout_id": payout["id"],
        }
    ]
    listed = api.get("/v1/admin/payouts?state=manual_pending", as_user=ADMIN)
    assert [p["id"] for p in listed.body["items"]] == [payout["id"]]
    # WHEN an admin marks it paid: once
    assert api.post(f"/v1/admin/payouts/{payout['id']}/paid", as_user=TALENT).status == 403
    paid = api.post(
        f"/v1/admin/payouts/{payout['id']}/paid",
        as_user=ADMIN,
        json_body={"reference": "bank-transfer-77"},
    )
    assert paid.status == 200, paid.body
    assert paid.body["state"] == "paid" and paid.body["provider_ref"] == "bank-transfer-77"
    again = api.post(f"/v1/admin/payouts/{payout['id']}/paid", as_user=ADMIN)
    assert again.status == 409, again.body
    assert api.post("/v1/admin/payouts/no-such/paid", as_user=ADMIN).status == 404
    # THEN the talent's money left through the manual provider, the ledger balanced
    balances = _balances(api)
    assert balances[f"talent:{talent['id']}:available|USD"] == 0
    assert balances[f"payouts_in_transit:{talent['id']}|USD"] == 0
    assert balances["provider:manual|USD"] == 1234
    # AND the batch is empty
    csv_after = api.get("/v1/admin/payouts/manual.csv", as_user=ADMIN).raw.decode()
    assert csv_after.strip().splitlines() == [
        "talent_id,account_name,account_number,bank_name,amount,currency,payout_id"
    ]


def test_a_redelivered_payout_message_has_no_second_effect(
    api: JsonClient, lambdas: Any, frozen_clock: Any
) -> None:
    # A talent without a payout method: the payout goes to the manual batch.
    talent = create_talent(api, TALENT)
    _release(talent["id"], 90_000, "IQD")
    _release(talent["id"], 10_000, "IQD")
    message = _request(talent["id"], 90_000, "IQD")
    _deliver(lambdas, message)
    after_first = _balances(api)
    _deliver(lambdas, message)
    _deliver(lambdas, message)
    assert _balances(api) == after_first
    assert _talent_accounts(api, talent["id"], "IQD") == (10_000, 90_000)
    [payout] = _my_payouts(api)
    assert payout["state"] == "manual_pending"
    assert payout["note"] == "no payout method on file"
    csv_rows = api.get("/v1/admin/payouts/manual.csv", as_user=ADMIN).raw.decode().splitlines()
    assert len(csv_rows) == 2


def test_a_payout_the_balance_does_not_cover_is_skipped(
    api: JsonClient, lambdas: Any, frozen_clock: Any
) -> None:
    talent = create_talent(api, TALENT)
    _release(talent["id"], 100, "IQD")
    _deliver(lambdas, _request(talent["id"], 500, "IQD"))
    [payout] = _my_payouts(api)
    assert payout["state"] == "skipped", payout
    assert _talent_accounts(api, talent["id"], "IQD") == (100, 0)


def test_a_stripe_payout_is_a_transfer_to_the_connected_account(
    api: JsonClient, lambdas: Any, frozen_clock: Any, stripe: FakeStripe
) -> None:
    talent = create_talent(api, TALENT)
    assert _put_method(api, "stripe", {"country": "US"}).status == 200
    _release(talent["id"], 4500, "USD", provider="stripe")
    message = _request(talent["id"], 4500, "USD")
    _deliver(lambdas, message)
    _deliver(lambdas, message)
    [payout] = _my_payouts(api)
    assert payout["state"] == "paid", payout
    assert stripe.transfers == [({"account": "acct_0001"}, 4500, "USD", payout["id"])]
    balances = _balances(api)
    assert balances[f"payouts_in_transit:{talent['id']}|USD"] == 0
    assert balances["provider:stripe|USD"] == 0


def test_an_iqd_payout_for_a_stripe_talent_goes_to_the_manual_batch(
    api: JsonClient, lambdas: Any, frozen_clock: Any, stripe: FakeStripe
) -> None:
    talent = create_talent(api, TALENT)
    assert _put_method(api, "stripe", {"country": "US"}).status == 200
    _release(talent["id"], 25_000, "IQD")
    _deliver(lambdas, _request(talent["id"], 25_000, "IQD"))
    [payout] = _my_payouts(api)
    assert payout["state"] == "manual_pending"
    assert payout["note"] == "stripe cannot pay out IQD"
    assert stripe.transfers == []


def test_payouts_are_listed_newest_first_in_pages(
    api: JsonClient, lambdas: Any, frozen_clock: Any
) -> None:
    talent = create_talent(api, TALENT)
    _release(talent["id"], 3000, "IQD")
    for amount in (1000, 1000, 1000):
        _deliver(lambdas, _request(talent["id"], amount, "IQD"))
        frozen_clock.advance(60)
    first = api.get("/v1/me/payouts?limit=2", as_user=TALENT)
    assert first.status == 200, first.body
    assert len(first.body["items"]) == 2 and first.body["next_cursor"]
    rest = api.get(f"/v1/me/payouts?limit=2&cursor={first.body['next_cursor']}", as_user=TALENT)
    created = [p["created_at"] for p in first.body["items"] + rest.body["items"]]
    assert len(created) == 3 and created == sorted(created, reverse=True)
    assert api.get("/v1/me/payouts", as_user=CUSTOMER).body["items"] == []


@dataclass
class FlakyFib:
    """A FIB stand-in whose payout call fails as told."""

    errors: list[Exception]
    name: ClassVar[str] = "fib"
    capabilities: ClassVar[Capabilities] = Capabilities(
        currencies=frozenset({"IQD"}),
        refund=True,
        partial_refund=False,
        cancel=True,
        payout=True,
        signed_callbacks=False,
    )
    calls: int = 0

    def payout(self, destination: Any, amount: int, currency: str, *, reference: str) -> PayoutRef:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return PayoutRef(payout_ref=f"fib-{reference}", state="paid")


def test_provider_errors_retry_fail_or_wait_for_an_admin(
    api: JsonClient, lambdas: Any, frozen_clock: Any
) -> None:
    from chalicelib.payments.base import PaymentError

    talent = create_talent(api, TALENT)
    assert _put_method(api, "fib", {"iban": FIB_IBAN}).status == 200
    _release(talent["id"], 30_000, "IQD")
    flaky = FlakyFib(
        errors=[
            # nothing was done (a connect timeout): the message fails and is retried
            PaymentError("fib", "connect timeout", retryable=True, details={"path": "/p"}),
            # a read timeout on a call FIB cannot deduplicate: money may have moved
            PaymentError("fib", "read timeout", retryable=False, details={"path": "/p"}),
        ]
    )
    registry.reset()
    registry._built["fib"] = flaky  # type: ignore[assignment]
    try:
        message = _request(talent["id"], 30_000, "IQD")
        event = lambdas.events.generate_sqs_event(
            message_bodies=[json.dumps(message)], queue_name="marketplace-payouts"
        )
        event["Records"][0]["messageId"] = "msg-0"
        failed = lambdas.lambda_.invoke("payouts_worker", event).payload
        assert failed == {"batchItemFailures": [{"itemIdentifier": "msg-0"}]}
        [payout] = _my_payouts(api)
        assert payout["state"] == "in_transit", payout
        # The retry meets the ambiguous failure: the money stays in transit for an admin.
        _deliver(lambdas, message)
        [payout] = _my_payouts(api)
        assert payout["state"] == "unconfirmed", payout
        assert flaky.calls == 2
        assert _talent_accounts(api, talent["id"], "IQD") == (0, 30_000)
        waiting = api.get("/v1/admin/payouts?state=unconfirmed", as_user=ADMIN).body["items"]
        assert [p["id"] for p in waiting] == [payout["id"]]
        # More deliveries do not call the provider again.
        _deliver(lambdas, message)
        assert flaky.calls == 2
        # The admin learns FIB did not pay it: the money goes back to available, once.
        reply = api.post(
            f"/v1/admin/payouts/{payout['id']}/failed",
            as_user=ADMIN,
            json_body={"reason": "FIB shows no such payout"},
        )
        assert reply.status == 200, reply.body
        assert reply.body["state"] == "failed"
        assert api.post(f"/v1/admin/payouts/{payout['id']}/failed", as_user=ADMIN).status == 409
        assert _talent_accounts(api, talent["id"], "IQD") == (30_000, 0)
        assert api.get("/v1/admin/payouts?state=unconfirmed", as_user=ADMIN).body["items"] == []
        # A clear refusal (HTTP 4xx) fails a payout at once, its money back.
        flaky.errors.append(
            PaymentError("fib", "bad iban", details={"path": "/p", "status_code": 400})
        )
        _deliver(lambdas, _request(talent["id"], 30_000, "IQD"))
        assert [p["state"] for p in _my_payouts(api)] == ["failed", "failed"]
        assert _talent_accounts(api, talent["id"], "IQD") == (30_000, 0)
    finally:
        registry.reset()
