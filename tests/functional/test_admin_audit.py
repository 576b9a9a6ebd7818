"""The audit log: every mutating `/v1/admin` route of the app's route table writes an audit
entry in the same transaction as its action (a refused repeat writes none), and
`GET /v1/admin/audit` filters by actor and by target (`type:id`), newest first.

The walker takes the routes from the app itself, so a route added later (disputes' decide)
fails here until it gets a request builder below, or an entry in SKIPPED saying why not."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from tests.functional.conftest import ADMIN_EMAIL
from tests.functional.deals import CUSTOMER, STRANGER, TALENT
from tests.functional.factories import create_talent
from tests.support import JsonClient

ADMIN = ADMIN_EMAIL
Request = tuple[str, dict[str, Any] | None]

# Mutating admin routes the walker cannot build a valid request for, with the reason.
SKIPPED: dict[tuple[str, str], str] = {}


def _seed_ledger(entry_id: str, credit: str, amount: int, currency: str) -> None:
    """Money where the action expects it (the flows that put it there have their tests)."""
    from chalicelib.domain import ledger as books
    from chalicelib.models import ledger as ledger_store
    from chalicelib.models.writes import Writes

    writes = Writes()
    postings = (
        books.Posting(credit, amount, currency),
        books.Posting("provider:seed", -amount, currency),
    )
    ledger_store.post_in(writes, books.Entry(entry_id, "test seed", postings))
    writes.commit("seeded")


def manual_refund(api: JsonClient) -> str:
    from chalicelib import ids
    from chalicelib.domain import ledger as books
    from chalicelib.models import refund_items
    from chalicelib.models.writes import Writes

    customer = api.get("/v1/me", as_user=CUSTOMER).body["id"]
    refund_id = ids.new_id()
    refund_items.claim(_refund(refund_id, customer))
    writes = Writes()
    refund_items.move_in(writes, refund_id, from_state="sending", to_state="manual_pending")
    writes.commit("moved")
    _seed_ledger(f"seed-{refund_id}", books.customer_refunds(customer), 5000, "IQD")
    return refund_id


def _refund(refund_id: str, customer: str) -> Any:
    from chalicelib import clock
    from chalicelib.models import refund_items

    return refund_items.Refund(
        id=refund_id,
        customer_id=customer,
        payment_id=None,
        provider="fib",
        amount=5000,
        currency="IQD",
        state="sending",
        provider_refund_ref=None,
        note=None,
        created_at=clock.now(),
    )


def manual_payout(api: JsonClient) -> str:
    from chalicelib import clock, ids
    from chalicelib.domain import ledger as books
    from chalicelib.models import payout_items
    from chalicelib.models.writes import Writes

    talent = create_talent(api, f"payee-{ids.new_id()[-6:].lower()}@example.com")
    now = clock.now()
    payout = payout_items.Payout(
        id=ids.new_id(),
        talent_id=talent["id"],
        amount=2500,
        currency="USD",
        state=payout_items.MANUAL_PENDING,
        method="manual",
        destination={"account_name": "A", "account_number": "1"},
        source_entry_id=None,
        provider_ref=None,
        failure=None,
        note=None,
        created_at=now,
        updated_at=now,
        paid_at=None,
    )
    writes = Writes()
    payout_items.create_in(writes, payout)
    writes.commit("created")
    _seed_ledger(f"seed-{payout.id}", books.in_transit(talent["id"]), 2500, "USD")
    return payout.id


def dead_timer(api: JsonClient) -> str:
    from chalicelib import clock, ids
    from chalicelib.models import keys, timer_items

    timer_id = f"dead-{ids.new_id()}"
    item = timer_items.build(timer_id, "process.transition", "booking#none", clock.now(), {})
    item.state = timer_items.DEAD
    item.attempts = 8
    item.dead_at = clock.now()
    item.gsi3pk = item.gsi3sk = None
    item.gsi1pk = keys.dead_timers_gsi1pk()
    item.gsi1sk = keys.timer_gsi3sk(clock.to_rfc3339(clock.now()), timer_id)
    item.save()
    return timer_id


def open_report(api: JsonClient) -> str:
    talent = create_talent(api, "reported@example.com")
    reply = api.post(
        "/v1/reports",
        as_user=STRANGER,
        json_body={"target": {"type": "talent", "id": talent["id"]}, "reason": "spam"},
    )
    return str(reply.body["id"])


def some_user(api: JsonClient, email: str = CUSTOMER) -> str:
    return str(api.get("/v1/me", as_user=email).body["id"])


def suspended_user(api: JsonClient) -> str:
    user = some_user(api, TALENT)
    reply = api.post(f"/v1/admin/users/{user}/suspend", as_user=ADMIN, json_body={"reason": "x"})
    assert reply.status == 200, reply.body
    return user


def qc_held_booking(api: JsonClient) -> str:
    """A completed QC booking without a report: its QC is the admin's to waive."""
    from chalicelib import clock
    from tests.functional import qc_support as qc

    booking = qc.delivered(api, clock.current(), qc.qc_service(api)["id"])["id"]
    assert qc.complete(api, booking).get("qc_hold") is not None
    return str(booking)


def escalated_dispute(api: JsonClient) -> str:
    """A booking's dispute, answered with an offer, escalated by the talent after 72 h."""
    from chalicelib import clock
    from tests.functional.disputing import disputed_booking, offer

    _, dispute = disputed_booking(api)
    assert offer(api, dispute["id"], TALENT, 50000).status == 201
    clock.current().advance(timedelta(hours=80).total_seconds())  # type: ignore[attr-defined]
    escalated = api.post(f"/v1/disputes/{dispute['id']}/escalate", as_user=TALENT)
    assert escalated.status == 200 and escalated.body["state"] == "escalated", escalated.body
    return str(dispute["id"])


BUILDERS: dict[tuple[str, str], Callable[[JsonClient], Request]] = {
    ("POST", "/v1/admin/refunds/{refund_id}/settle"): lambda api: (
        f"/v1/admin/refunds/{manual_refund(api)}/settle",
        None,
    ),
    ("POST", "/v1/admin/payouts/{payout_id}/paid"): lambda api: (
        f"/v1/admin/payouts/{manual_payout(api)}/paid",
        {"reference": "bank-1"},
    ),
    ("POST", "/v1/admin/payouts/{payout_id}/failed"): lambda api: (
        f"/v1/admin/payouts/{manual_payout(api)}/failed",
        {"reason": "account closed"},
    ),
    ("POST", "/v1/admin/timers/{timer_id}/retry"): lambda api: (
        f"/v1/admin/timers/{dead_timer(api)}/retry",
        None,
    ),
    ("POST", "/v1/admin/reports/{report_id}/decide"): lambda api: (
        f"/v1/admin/reports/{open_report(api)}/decide",
        {"action": "hide", "note": "spam"},
    ),
    ("POST", "/v1/admin/users/{user_id}/suspend"): lambda api: (
        f"/v1/admin/users/{some_user(api)}/suspend",
        {"reason": "abuse"},
    ),
    ("POST", "/v1/admin/users/{user_id}/unsuspend"): lambda api: (
        f"/v1/admin/users/{suspended_user(api)}/unsuspend",
        {"reason": "cleared"},
    ),
    ("POST", "/v1/admin/users/{user_id}/roles"): lambda api: (
        f"/v1/admin/users/{some_user(api, STRANGER)}/roles",
        {"add": ["admin"]},
    ),
    ("POST", "/v1/admin/exports"): lambda api: (
        "/v1/admin/exports",
        {"kind": "audit", "from": "2026-11-01", "to": "2026-11-30"},
    ),
    ("POST", "/v1/admin/bookings/{booking_id}/qc"): lambda api: (
        f"/v1/admin/bookings/{qc_held_booking(api)}/qc",
        {"status": "waived", "note": "the customer confirmed the session by phone"},
    ),
    ("POST", "/v1/admin/disputes/{dispute_id}/decide"): lambda api: (
        f"/v1/admin/disputes/{escalated_dispute(api)}/decide",
        {"refund_amount": {"amount": 120000, "currency": "IQD"}, "note": "half shown"},
    ),
}


def admin_mutations() -> list[tuple[str, str]]:
    import app  # noqa: F401 - registers every route
    from chalicelib.web.router import MUTATING, ROUTES

    return sorted(
        {
            (r.method, r.path)
            for r in ROUTES
            if r.path.startswith("/v1/admin") and r.method in MUTATING
        }
    )


def audit_ids(api: JsonClient) -> list[str]:
    reply = api.get("/v1/admin/audit?limit=100", as_user=ADMIN)
    assert reply.status == 200, reply.body
    return [entry["id"] for entry in reply.body["items"]]


def test_every_mutating_admin_route_has_a_builder_or_a_reason() -> None:
    routes = admin_mutations()
    assert routes, "no admin routes found"
    missing = [route for route in routes if route not in BUILDERS and route not in SKIPPED]
    assert not missing, f"admin routes without an audited request in this test: {missing}"
    assert not set(BUILDERS) - set(routes), "a builder for a route that no longer exists"


@pytest.mark.parametrize("route", [r for r in BUILDERS], ids=[f"{m} {p}" for m, p in BUILDERS])
def test_an_admin_route_audits_its_action_in_its_transaction(
    api: JsonClient, frozen_clock: Any, route: tuple[str, str]
) -> None:
    path, body = BUILDERS[route](api)
    frozen_clock.advance(1)
    before = audit_ids(api)
    reply = api.post(path, as_user=ADMIN, json_body=body)
    assert 200 <= reply.status < 300, (route, reply.body)
    after = audit_ids(api)
    new = [entry for entry in after if entry not in before]
    assert new, f"{route} wrote no audit entry"
    entries = api.get("/v1/admin/audit?limit=100", as_user=ADMIN).body["items"]
    admin_id = api.get("/v1/me", as_user=ADMIN).body["id"]
    assert all(e["actor_id"] == admin_id for e in entries if e["id"] in new)
    # The same request again is refused (the action happened once) and audits nothing.
    repeat = api.post(path, as_user=ADMIN, json_body=body)
    if repeat.status >= 400:
        assert audit_ids(api) == after, route


def test_the_log_filters_by_actor_and_target_newest_first(
    api: JsonClient, frozen_clock: Any
) -> None:
    first, second = some_user(api, CUSTOMER), some_user(api, STRANGER)
    helper = some_user(api, TALENT)
    assert (
        api.post(
            f"/v1/admin/users/{helper}/roles", as_user=ADMIN, json_body={"add": ["admin"]}
        ).status
        == 200
    )
    for target in (first, second):
        frozen_clock.advance(timedelta(seconds=1).total_seconds())
        reply = api.post(
            f"/v1/admin/users/{target}/suspend", as_user=TALENT, json_body={"reason": "r"}
        )
        assert reply.status == 200, reply.body
    admin_id = some_user(api, ADMIN)
    by_helper = api.get(f"/v1/admin/audit?actor={helper}", as_user=ADMIN).body["items"]
    assert [e["target"] for e in by_helper] == [
        {"type": "user", "id": second},
        {"type": "user", "id": first},
    ]
    by_admin = api.get(f"/v1/admin/audit?actor={admin_id}", as_user=ADMIN).body["items"]
    assert [(e["action"], e["target"]["id"]) for e in by_admin] == [("user.roles", helper)]
    on_first = api.get(f"/v1/admin/audit?target=user:{first}", as_user=ADMIN).body["items"]
    assert [e["actor_id"] for e in on_first] == [helper]
    both = api.get(f"/v1/admin/audit?target=user:{first}&actor={admin_id}", as_user=ADMIN)
    assert both.body["items"] == []
    page = api.get("/v1/admin/audit?limit=2", as_user=ADMIN).body
    assert len(page["items"]) == 2 and page["next_cursor"]
    rest = api.get(f"/v1/admin/audit?limit=2&cursor={page['next_cursor']}", as_user=ADMIN).body
    assert [e["action"] for e in rest["items"]] == ["user.roles"]
    assert api.get("/v1/admin/audit?target=nocolon", as_user=ADMIN).status == 400


def test_forged_cursors_on_admin_lists_are_400(api: JsonClient) -> None:
    for path in ("/v1/admin/audit", "/v1/admin/reports?state=open", "/v1/admin/users?q=a"):
        joiner = "&" if "?" in path else "?"
        reply = api.get(f"{path}{joiner}cursor=eyJQSyI6eyJTIjoiQVVESVQifX0", as_user=ADMIN)
        assert reply.status == 400 and reply.error_code == "VALIDATION_ERROR", (path, reply.body)


def test_an_admins_transition_is_audited_in_its_transaction(
    api: JsonClient, frozen_clock: Any
) -> None:
    from tests.functional.deals import book, system, take, talent_with_service

    _talent, service = talent_with_service(api, deposit_percent=0)
    booking = book(api, service["id"])
    assert take(api, "bookings", booking["id"], "accept", TALENT).status == 200
    system("booking", booking["id"], "payment_succeeded", payment_id="pay-audit")
    disputed = take(
        api, "bookings", booking["id"], "dispute", CUSTOMER, reason="no", category="late"
    )
    assert disputed.status == 200, disputed.body
    assert audit_ids(api) == []  # parties' and the system's transitions are not admin actions
    resolved = take(api, "bookings", booking["id"], "resolve", ADMIN, decision="release", note="ok")
    assert resolved.status == 200, resolved.body
    (entry,) = api.get(f"/v1/admin/audit?target=booking:{booking['id']}", as_user=ADMIN).body[
        "items"
    ]
    assert entry["action"] == "booking.resolve" and entry["reason"] == "ok"
    assert entry["before"]["state"] == "disputed" and entry["after"]["state"] == "completed"
    again = take(api, "bookings", booking["id"], "resolve", ADMIN, decision="release")
    assert again.status == 409 and len(audit_ids(api)) == 1


def test_oversized_ids_are_404_not_a_dynamodb_error(api: JsonClient) -> None:
    long_id = "x" * 3000
    for method, path, body in (
        ("POST", f"/v1/admin/users/{long_id}/suspend", {"reason": "r"}),
        ("POST", f"/v1/admin/users/{long_id}/roles", {"add": ["admin"]}),
        ("POST", f"/v1/admin/reports/{long_id}/decide", {"action": "dismiss", "note": "n"}),
        ("GET", f"/v1/admin/exports/{long_id}", None),
    ):
        reply = api.request(method, path, json_body=body, as_user=ADMIN)
        assert reply.status == 404, (path[:40], reply.body)


def test_an_admins_edit_of_a_talent_profile_is_audited_and_an_owners_is_not(
    api: JsonClient,
) -> None:
    talent = create_talent(api, TALENT)
    path = f"/v1/talent/{talent['id']}"
    assert api.patch(path, as_user=TALENT, json_body={"headline": "New"}).status == 200
    assert audit_ids(api) == []  # the owner's own edit is not an admin action

    awarded = api.patch(path, as_user=ADMIN, json_body={"badges": ["verified", "top_rated"]})
    assert awarded.status == 200, awarded.body
    assert awarded.body["badges"] == ["verified", "top_rated"]
    (entry,) = api.get(f"/v1/admin/audit?target=talent:{talent['id']}", as_user=ADMIN).body["items"]
    assert entry["action"] == "talent.update"
    assert entry["before"] == {"badges": []}
    assert entry["after"] == {"badges": ["verified", "top_rated"]}

    edited = api.patch(path, as_user=ADMIN, json_body={"headline": "Moderated headline"})
    assert edited.status == 200 and edited.body["headline"] == "Moderated headline"
    latest = api.get(f"/v1/admin/audit?target=talent:{talent['id']}", as_user=ADMIN).body["items"]
    assert [e["after"] for e in latest] == [
        {"headline": "Moderated headline"},
        {"badges": ["verified", "top_rated"]},
    ]
    assert latest[0]["before"] == {"headline": "New"}
