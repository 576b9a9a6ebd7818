"""Random sequences of payments (deposits and balances through different providers, some
reported twice, some after we gave up on them, some for the wrong amount, some while
DynamoDB cancels transactions for conflicts), cancellations by either side, completions,
disputes and refunds, and for a report-required service delivery reports, their QC and
admins' waivers (the QC gate holds the talent's share in `talent:<id>:pending` until QC
opens). After every step: the trial balance is zero per currency; no escrow,
talent or refund account is negative; a finished booking's escrow is empty; every
provider's account says exactly what arrived there less what went back; and the talent's
pending balance is exactly what completed bookings hold for a QC still closed.

Each example starts from a fresh table (nothing leaks between examples). The number of
examples comes from the hypothesis profile: `ci` (what `make test` selects) runs 200."""

from __future__ import annotations

import contextlib
import itertools
import json
import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    invariant,
    rule,
    run_state_machine_as_test,
)

from chalicelib.auth.principal import Principal, roles_for
from chalicelib.domain import ledger as books
from chalicelib.domain import qc as qc_rules
from chalicelib.domain.pricing import amount_due_now, balance_due
from chalicelib.errors import ConflictError, ForbiddenError
from chalicelib.models import ledger as ledger_store
from chalicelib.models import payment_items as payment_store
from chalicelib.models import subjects
from chalicelib.models import user as users
from chalicelib.models.conditions import TransientConflictError
from chalicelib.models.writes import Writes
from chalicelib.payments.base import ProviderStatus
from chalicelib.schemas.qc import DeliveryReportCreate
from chalicelib.schemas.transactions import BookingCreate
from chalicelib.usecases import bookings, payments, transitions
from chalicelib.usecases.qc import admin as qc_admin
from chalicelib.usecases.qc import evaluation as qc_evaluation
from chalicelib.usecases.qc import reports as qc_reports
from tests.functional import money, qc_support
from tests.functional.deals import ADMIN, CUSTOMER, TALENT
from tests.functional.factories import create_service, create_talent
from tests.issuer import ISSUER
from tests.support import JsonClient

FINISHED = frozenset({"completed", "cancelled", "refunded", "expired", "declined"})
PROVIDERS = ("fastpay", "areeba", "fib")
TOOK_MONEY = frozenset({"succeeded", "refunded", "partially_refunded", "refund_pending"})
REFUND_SENT = frozenset({"refunded", "refund_pending", "settled"})
SUBJECT_KIND = "subject"
QC_SERVICE = "qc"
_tables = itertools.count()


def _principal(api: JsonClient, email: str) -> Principal:
    api.get("/v1/me", as_user=email)
    user = users.get_by_identity(ISSUER, f"sub-{email}")
    assert user is not None
    return Principal(user=user, roles=roles_for(user))


@contextlib.contextmanager
def _fresh_table(
    stack: Any, seed: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """A table of its own for one example, with the infra definition, holding only `seed`
    (the talent, services and users every example starts from)."""
    from chalicelib.settings import reset_settings
    from tests.functional.conftest import _dynamodb, _table_copy_definition

    endpoint = os.environ["AWS_ENDPOINT_URL"]
    dynamodb = _dynamodb(endpoint)
    name = f"{stack.table_name}-ledger-{next(_tables)}"
    dynamodb.create_table(TableName=name, **_table_copy_definition(endpoint, stack.table_name))
    for start in range(0, len(seed), 25):  # BatchWriteItem's real limit
        batch = [{"PutRequest": {"Item": item}} for item in seed[start : start + 25]]
        dynamodb.batch_write_item(RequestItems={name: batch})
    monkeypatch.setenv("TABLE_NAME", name)
    # Models notice the new table name by themselves and keep the process's one client.
    reset_settings()
    try:
        yield
    finally:
        dynamodb.delete_table(TableName=name)


def _scan(*kinds: str) -> list[dict[str, Any]]:
    from chalicelib import clients
    from chalicelib.settings import get_settings

    # Test-only: the invariant looks at every payment and refund of the example.
    found: list[dict[str, Any]] = []
    request: dict[str, Any] = {"TableName": get_settings().table_name}
    if kinds:
        values = {f":k{i}": {"S": kind} for i, kind in enumerate(kinds)}
        request["FilterExpression"] = f"kind IN ({', '.join(values)})"
        request["ExpressionAttributeValues"] = values
    while True:
        page = clients.client("dynamodb").scan(**request)
        found += page["Items"]
        if "LastEvaluatedKey" not in page:
            return found
        request["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def _open_payment(
    booking: subjects.Subject, provider: str, payment_id: str, now: datetime
) -> payment_store.Payment:
    """A payment opened at a provider for what the booking owes now (as POST /v1/payments
    records it)."""
    balance = booking.state == "confirmed" and balance_due(booking.data) > 0
    due = amount_due_now(booking.data)
    amount = balance_due(booking.data) if balance else int(due["amount"])
    payment_store.start(
        payment_store.Payment(
            id=payment_id,
            subject_type="booking",
            subject_id=booking.id,
            payer_user_id=booking.customer_id,
            talent_id=booking.talent_id,
            provider=provider,
            order_ref=payment_id,
            provider_ref=None,
            amount=amount,
            currency=due["currency"],
            state="creating",
            action=None,
            failure=None,
            created_at=now,
            updated_at=now,
            purpose="balance" if balance else "payment",
        )
    )
    payment_store.opened(payment_id, provider, f"ref-{payment_id}", {"type": "redirect"})
    return payment_store.require(payment_id)


def test_the_books_stay_balanced(
    api: JsonClient, stack: Any, frozen_clock: Any, lambdas: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No provider is reachable: owed refunds go to an admin, who settles them (the
    # provider-refund path is tested in test_late_money and test_split_refunds).
    monkeypatch.setenv("PAYMENT_PROVIDERS", "stripe")
    from chalicelib.settings import reset_settings

    reset_settings()
    start_of_time = frozen_clock.now()
    from chalicelib.workers import timer_kinds

    timer_kinds.load()
    # What every example starts from, made once through the API, then copied into each
    # example's own table.
    talent = create_talent(api, TALENT)
    services: dict[int | str, str] = {
        deposit: create_service(
            api, TALENT, talent["id"], deposit_percent=deposit, cancellation_policy="moderate"
        )["id"]
        for deposit in (0, 30)
    }
    # A report-required service (the QC gate), without a deposit.
    services[QC_SERVICE] = create_service(
        api, TALENT, talent["id"], deposit_percent=0, category="coaching.career"
    )["id"]
    people = {
        "customer": transitions.Caller(_principal(api, CUSTOMER)),
        "talent": transitions.Caller(_principal(api, TALENT)),
        "admin": transitions.Caller(_principal(api, ADMIN)),
    }
    # Three accepted bookings, one with a deposit, are in every example from the start.
    seeded = []
    for day, deposit in enumerate((0, QC_SERVICE, 30)):
        body = BookingCreate.model_validate(
            {
                "service_id": services[deposit],
                "start": (datetime(2027, 1, 1, 18, tzinfo=UTC) + timedelta(days=day)).isoformat(),
            }
        )
        booking = bookings.request(people["customer"].principal, body)  # type: ignore[arg-type]
        transitions.apply("booking", booking.id, "accept", people["talent"])
        seeded.append(booking.id)
    # The report-required booking starts paid, so that the steps reach its QC gate.
    qc_paid = _open_payment(subjects.require("booking", seeded[1]), "fib", "pqc", start_of_time)
    payments.apply_status(
        qc_paid,
        ProviderStatus("ref-pqc", "succeeded", amount=qc_paid.amount, currency=qc_paid.currency),
    )
    seed = _scan()

    class Books(RuleBasedStateMachine):
        payments_made = Bundle("payments")

        def __init__(self) -> None:
            super().__init__()
            frozen_clock.set(start_of_time)
            self._table = _fresh_table(stack, seed, monkeypatch)
            self._table.__enter__()
            self.services = services
            self.people = people
            self.bookings: list[str] = list(seeded)
            self.days = itertools.count(len(seeded))
            self.unreported: set[str] = set()  # paid at the provider, not yet processed
            self.reported: dict[str, int] = {"pqc": qc_paid.amount}  # processed: what arrived

        def teardown(self) -> None:
            self._table.__exit__(None, None, None)

        def attempt(self, booking_id: str, name: str, who: str, **params: Any) -> None:
            # Not allowed now (409/403): then the books must not move either.
            with contextlib.suppress(ConflictError, ForbiddenError):
                transitions.apply("booking", booking_id, name, self.people[who], params)

        @rule(deposit=st.sampled_from([0, 30, QC_SERVICE]))
        def request_and_accept(self, deposit: int | str) -> None:
            frozen_clock.set(start_of_time)
            start = datetime(2027, 1, 1, 18, tzinfo=UTC) + timedelta(days=next(self.days))
            body = BookingCreate.model_validate(
                {"service_id": self.services[deposit], "start": start.isoformat()}
            )
            booking = bookings.request(self.people["customer"].principal, body)  # type: ignore[arg-type]
            self.attempt(booking.id, "accept", "talent")
            self.bookings.append(booking.id)

        @rule(target=payments_made, data=st.data(), provider=st.sampled_from(PROVIDERS))
        def open_payment(self, data: st.DataObject, provider: str) -> str:
            """A payment opened at a provider for what the booking owes now (as
            POST /v1/payments records it; the provider's side is the next rules')."""
            booking = subjects.require("booking", data.draw(st.sampled_from(self.bookings)))
            payment_id = f"p{len(self.bookings)}x{next(self.days)}"
            _open_payment(booking, provider, payment_id, frozen_clock.now())
            return payment_id

        @rule(payment_id=payments_made)
        def give_up(self, payment_id: str) -> None:
            """Reconciliation's expiry (or the provider's own decline) comes first."""
            payment = payment_store.get(payment_id)
            if payment is not None and payment.state == "pending":
                writes = Writes()
                payment_store.move_in(writes, payment, "expired", failure="abandoned")
                writes.commit("moved")

        @rule(
            payment_id=consumes(payments_made),
            conflicts=st.integers(0, 6),
            short_by=st.sampled_from([0, 0, 0, 1000]),
        )
        def provider_reports_success(self, payment_id: str, conflicts: int, short_by: int) -> None:
            """The payer paid (short_by less, sometimes); the provider says so, perhaps
            while other transactions keep colliding with ours."""
            payment = payment_store.get(payment_id)
            if payment is None:
                return
            self.unreported.add(payment_id)
            arrived = payment.amount - short_by
            self._report(payment_id, arrived, conflicts)

        def _report(self, payment_id: str, arrived: int, conflicts: int) -> None:
            payment = payment_store.require(payment_id)
            status = ProviderStatus(
                payment.provider_ref or "", "succeeded", amount=arrived, currency=payment.currency
            )
            with money.injected_conflicts() as injected:
                injected.remaining = conflicts
                try:
                    payments.apply_status(payment, status)
                except TransientConflictError:
                    return  # the queue delivers it again later: see redeliver
            self.reported[payment_id] = arrived
            self.unreported.discard(payment_id)

        @rule()
        def redeliver(self) -> None:
            """The queue's retry of reports that outlasted the in-process retries."""
            for payment_id in sorted(self.unreported):
                payment = payment_store.require(payment_id)
                self._report(payment_id, payment.amount, 0)

        @rule(
            data=st.data(), who=st.sampled_from(["customer", "talent"]), hours=st.integers(0, 400)
        )
        def cancel(self, data: st.DataObject, who: str, hours: int) -> None:
            if self.bookings:
                booking_id = data.draw(st.sampled_from(self.bookings))
                booking = subjects.require("booking", booking_id)
                assert booking.start_at is not None
                frozen_clock.set(booking.start_at - timedelta(hours=hours))
                self.attempt(booking_id, "cancel", who, reason="changed plans")

        @rule(data=st.data())
        def deliver_and_complete(self, data: st.DataObject) -> None:
            if self.bookings:
                booking_id = data.draw(st.sampled_from(self.bookings))
                booking = subjects.require("booking", booking_id)
                assert booking.end_at is not None
                frozen_clock.set(booking.end_at + timedelta(minutes=1))
                self.attempt(booking_id, "mark_delivered", "talent")
                self.attempt(booking_id, "confirm_completion", "customer")

        @rule(
            data=st.data(),
            refund=st.integers(0, 400000),
            decision=st.sampled_from(["release", "refund"]),
        )
        def dispute_and_resolve(self, data: st.DataObject, refund: int, decision: str) -> None:
            if self.bookings:
                booking_id = data.draw(st.sampled_from(self.bookings))
                self.attempt(booking_id, "dispute", "customer", reason="late", category="late")
                params: dict[str, Any] = {"decision": decision}
                if decision == "refund":
                    params["refund_amount"] = refund
                try:
                    self.attempt(booking_id, "resolve", "admin", **params)
                except Exception as error:  # a refund above what was paid is a 400
                    assert "refund_amount" in str(error)

        @rule(data=st.data(), good=st.booleans())
        def report_and_qc(self, data: st.DataObject, good: bool) -> None:
            """The talent reports (where it may), the QC worker judges it."""
            booking_id = data.draw(st.sampled_from(self.bookings))
            body = qc_support.good_report() if good else qc_support.weak_report()
            with contextlib.suppress(ConflictError, ForbiddenError):
                posted = qc_reports.submit(
                    self.people["talent"].principal,  # type: ignore[arg-type]
                    booking_id,
                    DeliveryReportCreate.model_validate(body),
                )
                qc_evaluation.evaluate(booking_id, posted.report_version)

        @rule(data=st.data())
        def admin_waives_qc(self, data: st.DataObject) -> None:
            booking_id = data.draw(st.sampled_from(self.bookings))
            with contextlib.suppress(ConflictError):
                qc_admin.decide(
                    self.people["admin"].principal,  # type: ignore[arg-type]
                    booking_id,
                    "waived",
                    "checked with both parties",
                )

        @rule()
        def refund_what_is_owed(self) -> None:
            """The sweep's refund timers send owed refunds (to an admin here), who settles
            every one. (Only those: the events, reminders and search refreshes the sweep
            would also fire move no money, and cost most of an example's time.)"""
            from chalicelib import clock
            from chalicelib.models import refund_items as refund_store
            from chalicelib.models import timer_items as timer_store
            from chalicelib.usecases import refunds

            for timer in timer_store.due(clock.now()):
                if timer.kind == refund_store.REFUND_TIMER:
                    refunds.send(timer)
            for refund in refund_store.manual():
                refunds.settle_manually(refund.id, "admin-test")

        @invariant()
        def the_books_hold(self) -> None:
            """One Query of the balances and one look at the example's items, per step."""
            balances = ledger_store.all_balances()
            items = _scan("payment", "refund", SUBJECT_KIND)
            totals: dict[str, int] = {}
            for balance in balances:
                totals[balance.currency] = totals.get(balance.currency, 0) + balance.balance
                if books.must_stay_non_negative(balance.account):
                    assert balance.balance >= 0, balance
            assert all(total == 0 for total in totals.values()), totals
            held = {b.account: b.balance for b in balances if b.account.startswith("escrow:")}
            for item in items:
                if item.get("kind", {}).get("S") == SUBJECT_KIND and item["state"]["S"] in FINISHED:
                    escrow = books.escrow("booking", item["subject_id"]["S"])
                    assert held.get(escrow, 0) == 0, (item["state"], escrow)
            self._providers_hold_what_arrived(balances, items)
            self._pending_is_what_qc_holds(balances, items)

        def _pending_is_what_qc_holds(
            self, balances: list[ledger_store.Balance], items: list[dict[str, Any]]
        ) -> None:
            held = 0
            for item in items:
                if item.get("kind", {}).get("S") != SUBJECT_KIND:
                    continue
                hold = json.loads(item["data"]["S"]).get("qc_hold")
                status = item.get("qc_status", {}).get("S")
                settled = item["state"]["S"] in qc_rules.HOLDING_STATES
                if hold and settled and status not in qc_rules.OPEN:
                    held += int(hold["amount"])
            pending = sum(b.balance for b in balances if b.account.endswith(":pending"))
            assert pending == held, (pending, held)

        def _providers_hold_what_arrived(
            self, balances: list[ledger_store.Balance], items: list[dict[str, Any]]
        ) -> None:
            """No success is lost or counted twice: per provider, the ledger's account is
            minus what the provider collected for us plus what it (or an admin) gave back."""
            expected: dict[str, int] = {}
            payments = {
                i["payment_id"]["S"]: i for i in items if i.get("kind", {}).get("S") == "payment"
            }
            for payment_id, arrived in self.reported.items():
                item = payments[payment_id]
                state, provider = item["state"]["S"], item["provider"]["S"]
                # Reported paid: the money is the subject's, or owed back; never ignored.
                assert state in TOOK_MONEY or (state == "failed" and "received" in item), item
                expected[provider] = expected.get(provider, 0) - arrived
            for item in items:
                if item.get("kind", {}).get("S") == "refund" and item["state"]["S"] in REFUND_SENT:
                    provider = item["provider"]["S"]
                    expected[provider] = expected.get(provider, 0) + int(item["amount"]["N"])
            actual = {
                b.account.removeprefix("provider:"): b.balance
                for b in balances
                if b.account.startswith("provider:") and b.balance
            }
            assert actual == {p: v for p, v in expected.items() if v}
            # Pending means not reported paid yet (or waiting for the queue's retry).
            pending = {p for p, i in payments.items() if i["state"]["S"] == "pending"}
            assert not pending & set(self.reported), pending

    run_state_machine_as_test(
        Books,
        settings=settings(
            stateful_step_count=10,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )
