"""Random sequences of payments (some delivered twice), cancellations by either side,
completions, disputes and refunds; after every step: the trial balance is zero per
currency, no escrow, talent or refund account is negative, and a finished booking's escrow
is empty."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from chalicelib.auth.principal import Principal, roles_for
from chalicelib.domain import ledger as books
from chalicelib.errors import ConflictError, ForbiddenError
from chalicelib.models import ledger as ledger_store
from chalicelib.models import subjects
from chalicelib.models import user as users
from chalicelib.schemas.transactions import BookingCreate
from chalicelib.usecases import bookings, transitions
from tests.functional.deals import ADMIN, CUSTOMER, TALENT, talent_with_service
from tests.issuer import ISSUER
from tests.support import JsonClient

FINISHED = frozenset({"completed", "cancelled", "refunded", "expired", "declined"})


def _principal(api: JsonClient, email: str) -> Principal:
    api.get("/v1/me", as_user=email)
    user = users.get_by_identity(ISSUER, f"sub-{email}")
    assert user is not None
    return Principal(user=user, roles=roles_for(user))


def test_the_books_stay_balanced(api: JsonClient, frozen_clock: Any, lambdas: Any) -> None:
    _, service = talent_with_service(api, deposit_percent=0, cancellation_policy="moderate")
    people = {
        "customer": transitions.Caller(_principal(api, CUSTOMER)),
        "talent": transitions.Caller(_principal(api, TALENT)),
        "admin": transitions.Caller(_principal(api, ADMIN)),
    }
    days = iter(range(1000))
    start_of_time = frozen_clock.now()

    def attempt(booking_id: str, name: str, who: str, **params: Any) -> None:
        # Not allowed now (409/403): then the books must not move either.
        with contextlib.suppress(ConflictError, ForbiddenError):
            transitions.apply("booking", booking_id, name, people[who], params)

    class Books(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.bookings: list[str] = []

        @rule()
        def request_and_accept(self) -> None:
            frozen_clock.set(start_of_time)
            start = datetime(2027, 1, 1, 18, tzinfo=UTC) + timedelta(days=next(days))
            body = BookingCreate.model_validate(
                {"service_id": service["id"], "start": start.isoformat()}
            )
            booking = bookings.request(people["customer"].principal, body)  # type: ignore[arg-type]
            attempt(booking.id, "accept", "talent")
            self.bookings.append(booking.id)

        @rule(data=st.data(), times=st.integers(1, 3))
        def pay(self, data: st.DataObject, times: int) -> None:
            if self.bookings:
                booking_id = data.draw(st.sampled_from(self.bookings))
                for _ in range(times):  # the provider reports the same payment again
                    with contextlib.suppress(ConflictError):
                        bookings.confirm_payment(booking_id, f"pay-{booking_id}", provider="fib")

        @rule(
            data=st.data(), who=st.sampled_from(["customer", "talent"]), hours=st.integers(0, 400)
        )
        def cancel(self, data: st.DataObject, who: str, hours: int) -> None:
            if self.bookings:
                booking_id = data.draw(st.sampled_from(self.bookings))
                booking = subjects.require("booking", booking_id)
                assert booking.start_at is not None
                frozen_clock.set(booking.start_at - timedelta(hours=hours))
                attempt(booking_id, "cancel", who, reason="changed plans")

        @rule(data=st.data())
        def deliver_and_complete(self, data: st.DataObject) -> None:
            if self.bookings:
                booking_id = data.draw(st.sampled_from(self.bookings))
                booking = subjects.require("booking", booking_id)
                assert booking.end_at is not None
                frozen_clock.set(booking.end_at + timedelta(minutes=1))
                attempt(booking_id, "mark_delivered", "talent")
                attempt(booking_id, "confirm_completion", "customer")

        @rule(
            data=st.data(),
            refund=st.integers(0, 400000),
            decision=st.sampled_from(["release", "refund"]),
        )
        def dispute_and_resolve(self, data: st.DataObject, refund: int, decision: str) -> None:
            if self.bookings:
                booking_id = data.draw(st.sampled_from(self.bookings))
                attempt(booking_id, "dispute", "customer", reason="late", category="late")
                params: dict[str, Any] = {"decision": decision}
                if decision == "refund":
                    params["refund_amount"] = refund
                try:
                    attempt(booking_id, "resolve", "admin", **params)
                except Exception as error:  # a refund above what was paid is a 400
                    assert "refund_amount" in str(error)

        @rule()
        def refund_what_is_owed(self) -> None:
            """The sweep sends owed refunds (no provider payment here: to an admin), and the
            admin settles every one."""
            from chalicelib.models import refunds as refund_store
            from chalicelib.usecases import refunds
            from chalicelib.workers import timer_kinds
            from chalicelib.workers import timers as sweep

            timer_kinds.load()
            assert sweep.sweep().failed == 0
            for refund in refund_store.manual():
                refunds.settle_manually(refund.id)

        @invariant()
        def balanced_and_never_negative(self) -> None:
            totals: dict[str, int] = {}
            for balance in ledger_store.all_balances():
                totals[balance.currency] = totals.get(balance.currency, 0) + balance.balance
                if books.must_stay_non_negative(balance.account):
                    assert balance.balance >= 0, balance
            assert all(total == 0 for total in totals.values()), totals

        @invariant()
        def finished_bookings_hold_nothing(self) -> None:
            for booking_id in self.bookings:
                booking = subjects.require("booking", booking_id)
                if booking.state in FINISHED:
                    held = ledger_store.balances_of(books.escrow("booking", booking_id))
                    assert all(b.balance == 0 for b in held), (booking.state, held)

    run_state_machine_as_test(
        Books,
        settings=settings(
            max_examples=8,
            stateful_step_count=12,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )
