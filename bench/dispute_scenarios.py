"""DynamoDB requests of the dispute endpoints (issue 16), for bench/ddb_calls.py.

Budgets include the caller's one authentication GetItem. Evidence or an offer: the
dispute's partition (one Query), for evidence the named media and messages (one
BatchGetItem), one TransactWriteItems: 1 transaction + at most 2 reads. The respondent's
first answer is the `respond` transition (the same, its outbox entry published after the
commit). Accepting an offer also reads the disputed subject (GetItem) and settles it in
the same transaction. Lists: one Query and one BatchGetItem."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.support import JsonClient, Reply

_world: dict[str, str] = {}


def _disputed(
    booking_setup: Callable[[JsonClient], None], deal: dict[str, Any], take: Any, buyer: str
) -> Callable[[JsonClient], None]:
    def setup(api: JsonClient) -> None:
        booking_setup(api)
        opened = take(api, "bookings", deal["id"], "dispute", buyer, reason="x", category="late")
        assert opened.status == 200, opened.body
        _world["dispute"] = opened.body["dispute_id"]

    return setup


def _offer(user: str, amount: int) -> Callable[[JsonClient], Reply]:
    def call(api: JsonClient) -> Reply:
        body = {"refund_amount": {"amount": amount, "currency": "IQD"}}
        reply = api.post(f"/v1/disputes/{_world['dispute']}/offers", as_user=user, json_body=body)
        if reply.status == 201:
            # The newest open offer (ULIDs sort by time) is the caller's.
            _world["offer"] = [o["id"] for o in reply.body["offers"] if o["state"] == "open"][-1]
        return reply

    return call


def build(
    scenario: Any,
    *,
    booking_setup: Callable[[JsonClient], None],
    deal: dict[str, Any],
    take: Any,
    buyer: str,
    seller: str,
) -> list[Any]:
    """`scenario` is ddb_calls.Scenario; the rest its booking helpers."""
    return [
        scenario(
            "POST /v1/disputes/{id}/evidence (the opener: no transition)",
            lambda api: api.post(
                f"/v1/disputes/{_world['dispute']}/evidence",
                as_user=buyer,
                json_body={"note": "it never happened"},
            ),
            _disputed(booking_setup, deal, take, buyer),
            3,
            status=201,
        ),
        scenario(
            "POST /v1/disputes/{id}/offers (the opener's, replacing none)",
            _offer(buyer, 1000),
            budget=3,
            status=201,
        ),
        scenario(
            "POST /v1/disputes/{id}/offers (the respondent's: respond)",
            _offer(seller, 500),
            budget=3,
            status=201,
        ),
        scenario(
            "POST /v1/disputes/{id}/offers/{offer}/accept (settles the booking)",
            lambda api: api.post(
                f"/v1/disputes/{_world['dispute']}/offers/{_world['offer']}/accept", as_user=buyer
            ),
            budget=4,
            status=200,
        ),
        scenario(
            "GET /v1/disputes/{id}",
            lambda api: api.get(f"/v1/disputes/{_world['dispute']}", as_user=buyer),
            budget=2,
            status=200,
        ),
        scenario(
            "GET /v1/disputes",
            lambda api: api.get("/v1/disputes", as_user=buyer),
            budget=3,
            status=200,
        ),
    ]
