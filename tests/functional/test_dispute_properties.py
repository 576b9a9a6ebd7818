"""Random dispute outcomes (offers of any amount by either party accepted by the other,
defaults, admin decisions after escalation) keep the ledger balanced: after each, the
trial balance is zero, the resolved booking's escrow is empty, the customer got exactly
the refund, the talent the rest less the platform fee, and the booking ended where API.md
says (refunded when everything went back, else completed)."""

from __future__ import annotations

import itertools
from datetime import timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.functional.deals import ADMIN, CUSTOMER, TALENT, book, take, talent_with_service
from tests.functional.disputing import PRICE, accept, books, offer
from tests.support import JsonClient

FEE_BPS = 1000

outcomes = st.one_of(
    st.tuples(
        st.just("agreement"),
        st.integers(0, PRICE),
        st.sampled_from((CUSTOMER, TALENT)),
    ),
    st.tuples(st.just("default"), st.just(PRICE), st.just(CUSTOMER)),
    st.tuples(st.just("admin"), st.integers(0, PRICE), st.just(ADMIN)),
)


def _resolve(api: JsonClient, frozen_clock: Any, dispute_id: str, outcome: tuple[Any, ...]) -> None:
    by, amount, who = outcome
    if by == "agreement":
        made = offer(api, dispute_id, who, amount)
        assert made.status == 201, made.body
        other = TALENT if who == CUSTOMER else CUSTOMER
        assert accept(api, dispute_id, made.body["offers"][-1]["id"], other).status == 200
    elif by == "default":
        from chalicelib.usecases import transitions

        transitions.apply("dispute", dispute_id, "resolve_by_default", transitions.SYSTEM)
    else:
        assert offer(api, dispute_id, TALENT, 0).status == 201  # an answer: negotiating
        frozen_clock.set(frozen_clock.now() + timedelta(hours=73))
        assert api.post(f"/v1/disputes/{dispute_id}/escalate", as_user=CUSTOMER).status == 200
        body = {"refund_amount": {"amount": amount, "currency": "IQD"}, "note": "decided"}
        reply = api.post(f"/v1/admin/disputes/{dispute_id}/decide", as_user=ADMIN, json_body=body)
        assert reply.status == 200, reply.body


def test_random_outcomes_keep_the_books_balanced(api: JsonClient, frozen_clock: Any) -> None:
    from chalicelib import clock
    from chalicelib.usecases import bookings

    talent, service = talent_with_service(api, deposit_percent=0)
    days = itertools.count()

    @settings(
        max_examples=25,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(outcome=outcomes)
    def check(outcome: tuple[Any, ...]) -> None:
        start = (clock.now() + timedelta(days=10 + next(days))).replace(hour=18, minute=0)
        booking = book(api, service["id"], start=clock.to_rfc3339(start))
        assert take(api, "bookings", booking["id"], "accept", TALENT).status == 200
        bookings.confirm_payment(booking["id"], f"pay-{booking['id']}", provider="fib")
        before = books(api)
        opened = take(
            api, "bookings", booking["id"], "dispute", CUSTOMER, reason="x", category="late"
        )
        assert opened.status == 200, opened.body
        dispute_id = opened.body["dispute_id"]
        _resolve(api, frozen_clock, dispute_id, outcome)

        dispute = api.get(f"/v1/disputes/{dispute_id}", as_user=ADMIN).body
        assert dispute["state"] == "resolved" and dispute["outcome"]["by"] == outcome[0]
        refund = dispute["outcome"]["refund_amount"]["amount"]
        assert refund == outcome[1]
        released = PRICE - refund
        assert dispute["outcome"]["released_amount"]["amount"] == released
        after = books(api)  # balanced, or it raises
        customer = f"customer:{booking['customer_id']}:refunds|IQD"
        available = f"talent:{talent['id']}:available|IQD"
        fee = released * FEE_BPS // 10000
        assert after[f"escrow:booking:{booking['id']}|IQD"] == 0
        assert after.get(customer, 0) - before.get(customer, 0) == refund
        assert after.get(available, 0) - before.get(available, 0) == released - fee
        state = api.get(f"/v1/bookings/{booking['id']}", as_user=CUSTOMER).body["state"]
        assert state == ("refunded" if refund == PRICE else "completed")

    check()
