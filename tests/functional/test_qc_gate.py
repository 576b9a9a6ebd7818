"""The QC gate in the ledger: a report-required booking's completion holds the talent's
share in `talent:<id>:pending`; QC passing (or an admin waiving it, with an audit entry in
the same transaction) moves it to `available` with its own entry, exactly once, and only
then schedules the payout; a dispute freezes it; the trial balance stays zero."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from chalicelib.domain import qc as rules
from tests.functional import qc_support as qc
from tests.functional.deals import ADMIN, CUSTOMER, TALENT, take
from tests.support import JsonClient

NET = qc.PRICE - qc.FEE
WAIVE = {"status": "waived", "note": "the customer confirmed the session by phone"}


def _entry(entry_id: str) -> dict[str, Any] | None:
    from pynamodb.exceptions import DoesNotExist

    from chalicelib.models import keys
    from chalicelib.models.ledger import EntryItem

    try:
        item = EntryItem.get(keys.ledger_entry_pk(entry_id), keys.LEDGER_ENTRY_SK)
    except DoesNotExist:
        return None
    return {p["account"]: p["amount"] for p in item.postings}


def _payout_timers(talent_id: str) -> list[dict[str, Any]]:
    from chalicelib import clock
    from chalicelib.models import timer_items
    from chalicelib.usecases.payouts import scheduling

    due = timer_items.due(
        clock.now() + scheduling.hold() + __import__("datetime").timedelta(days=30)
    )
    return [t.payload for t in due if t.kind == scheduling.DUE_TIMER]


def _audits(booking_id: str) -> list[Any]:
    from chalicelib.models import audit

    found, _ = audit.list_entries(
        actor_id=None, target=("booking", booking_id), limit=10, cursor=None
    )
    return found


def test_completion_holds_and_the_pass_releases_once(api: JsonClient, frozen_clock: Any) -> None:
    from chalicelib.usecases.qc import evaluation

    booking = qc.delivered(api, frozen_clock, qc.qc_service(api)["id"])["id"]
    done = qc.complete(api, booking)
    talent = done["talent_id"]
    settled = _entry(done["qc_hold"]["entry_id"])
    assert settled == {
        f"escrow:booking:{booking}": -qc.PRICE,
        f"talent:{talent}:pending": NET,
        "platform:revenue": qc.FEE,
    }
    assert _payout_timers(talent) == []  # payouts only ever take what is available
    assert qc.post_report(api, booking, qc.good_report()).status == 201
    assert evaluation.evaluate(booking, 1) == "passed"
    released = f"booking-{booking}-qc-release"
    assert _entry(released) == {f"talent:{talent}:pending": -NET, f"talent:{talent}:available": NET}
    assert [(p["amount"], p["source_entry_id"]) for p in _payout_timers(talent)] == [
        (NET, released)
    ]
    assert evaluation.evaluate(booking, 1) == "stale"  # a redelivery moves nothing
    assert qc.balances(talent) == {"pending": 0, "available": NET}
    assert qc.trial_balance_is_zero()
    shown = api.get("/v1/me/balance", as_user=TALENT).body["items"]
    assert shown == [
        {
            "currency": "IQD",
            "available": NET,
            "pending": 0,
            "held_for_qc": 0,
            "in_transit": 0,
            "paid_out": 0,
        }
    ]


def test_a_pass_before_completion_lets_completion_pay_as_usual(
    api: JsonClient, frozen_clock: Any
) -> None:
    from chalicelib.usecases.qc import evaluation

    booking = qc.delivered(api, frozen_clock, qc.qc_service(api)["id"])["id"]
    assert qc.post_report(api, booking, qc.good_report()).status == 201
    assert evaluation.evaluate(booking, 1) == "passed"
    talent = api.get(f"/v1/bookings/{booking}", as_user=TALENT).body["talent_id"]
    assert qc.balances(talent) == {"pending": 0, "available": 0}  # still in escrow
    done = qc.complete(api, booking)
    assert "qc_hold" not in done
    assert qc.balances(talent) == {"pending": 0, "available": NET}
    assert _entry(f"booking-{booking}-qc-release") is None
    assert [p["amount"] for p in _payout_timers(talent)] == [NET]
    assert qc.trial_balance_is_zero()


def test_an_admin_waives_with_an_audit_entry_once(api: JsonClient, frozen_clock: Any) -> None:
    booking = qc.delivered(api, frozen_clock, qc.qc_service(api)["id"])["id"]
    talent = qc.complete(api, booking)["talent_id"]
    # Nothing to pass without a report: 409, nothing moves, nothing audited.
    refused = api.post(
        f"/v1/admin/bookings/{booking}/qc", as_user=ADMIN, json_body={**WAIVE, "status": "passed"}
    )
    assert refused.status == 409
    assert _audits(booking) == [] and qc.balances(talent) == {"pending": NET, "available": 0}
    reply = api.post(f"/v1/admin/bookings/{booking}/qc", as_user=ADMIN, json_body=WAIVE)
    assert reply.status == 200, reply.body
    assert reply.body["qc"]["status"] == "waived" and reply.body["qc"]["note"] == WAIVE["note"]
    assert qc.balances(talent) == {"pending": 0, "available": NET}
    [entry] = _audits(booking)
    assert entry.action == "booking.qc_decided" and entry.reason == WAIVE["note"]
    assert entry.before["qc_status"] is None and entry.after["qc_status"] == "waived"
    assert entry.after["released"]["amount"] == NET
    again = api.post(f"/v1/admin/bookings/{booking}/qc", as_user=ADMIN, json_body=WAIVE)
    assert again.status == 409
    assert len(_audits(booking)) == 1 and qc.balances(talent) == {"pending": 0, "available": NET}
    assert qc.post_report(api, booking, qc.good_report()).status == 409  # the gate is open
    # Nor is the talent nudged for a report any more.
    from chalicelib import clock
    from chalicelib.models import subjects
    from chalicelib.usecases import process_wiring

    waived = subjects.require("booking", booking)
    assert not process_wiring.load().guard_holds("report_missing", waived, clock.now())
    assert qc.trial_balance_is_zero()


def test_a_dispute_freezes_the_gate_and_its_release_honours_qc(
    api: JsonClient, frozen_clock: Any
) -> None:
    from chalicelib.usecases.qc import evaluation

    service = qc.qc_service(api)
    first = qc.delivered(api, frozen_clock, service["id"])["id"]
    assert qc.post_report(api, first, qc.good_report()).status == 201
    disputed = take(api, "bookings", first, "dispute", CUSTOMER, reason="late", category="late")
    assert disputed.status == 200, disputed.body
    assert evaluation.evaluate(first, 1) == "passed"  # recorded, releases nothing
    talent = disputed.body["talent_id"]
    assert qc.balances(talent) == {"pending": 0, "available": 0}
    resolved = take(api, "bookings", first, "resolve", ADMIN, decision="release")
    assert resolved.status == 200 and "qc_hold" not in resolved.body
    assert qc.balances(talent) == {"pending": 0, "available": NET}

    # QC still pending when the dispute is resolved: the release is held like a completion.
    second = qc.delivered(api, frozen_clock, service["id"], start="2026-12-12T18:00:00Z")["id"]
    assert (
        take(api, "bookings", second, "dispute", CUSTOMER, reason="x", category="late").status
        == 200
    )
    assert take(api, "bookings", second, "resolve", ADMIN, decision="release").status == 200
    assert qc.balances(talent) == {"pending": NET, "available": NET}
    assert qc.post_report(api, second, qc.good_report()).status == 201
    assert evaluation.evaluate(second, 1) == "passed"
    assert qc.balances(talent) == {"pending": 0, "available": 2 * NET}
    assert qc.trial_balance_is_zero()


class Completing:
    """The rules, while the customer confirms completion between read and write."""

    name = "completing-test"
    meanwhile: Callable[[], None] | None = None

    def evaluate(self, report: rules.Report, category: str | None) -> rules.Verdict:
        meanwhile, Completing.meanwhile = Completing.meanwhile, None
        if meanwhile is not None:
            meanwhile()
        return rules.RuleBasedEvaluator().evaluate(report, category)


@pytest.fixture
def completing(stack: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    from chalicelib.settings import reset_settings
    from chalicelib.usecases.qc import evaluators

    evaluators.register(Completing.name, Completing)
    monkeypatch.setenv("QC_EVALUATOR", Completing.name)
    reset_settings()
    yield
    evaluators.unregister(Completing.name)


def test_a_pass_racing_the_completion_still_releases(
    api: JsonClient, frozen_clock: Any, completing: None
) -> None:
    from chalicelib.usecases.qc import evaluation

    booking = qc.delivered(api, frozen_clock, qc.qc_service(api)["id"])["id"]
    assert qc.post_report(api, booking, qc.good_report()).status == 201
    Completing.meanwhile = lambda: qc.complete(api, booking)
    assert evaluation.evaluate(booking, 1) == "passed"
    talent = api.get(f"/v1/bookings/{booking}", as_user=TALENT).body["talent_id"]
    assert qc.balances(talent) == {"pending": 0, "available": NET}
    assert qc.trial_balance_is_zero()


def test_a_partial_refunds_talent_share_waits_for_qc_too(
    api: JsonClient, frozen_clock: Any
) -> None:
    from chalicelib.usecases.qc import evaluation

    booking = qc.delivered(api, frozen_clock, qc.qc_service(api)["id"])["id"]
    assert (
        take(api, "bookings", booking, "dispute", CUSTOMER, reason="x", category="late").status
        == 200
    )
    refund = 50_000
    resolved = take(
        api, "bookings", booking, "resolve", ADMIN, decision="refund", refund_amount=refund
    )
    assert resolved.status == 200 and resolved.body["state"] == "refunded", resolved.body
    share = (qc.PRICE - refund) - (qc.PRICE - refund) // 10
    talent = resolved.body["talent_id"]
    assert qc.balances(talent) == {"pending": share, "available": 0}
    assert qc.post_report(api, booking, qc.good_report()).status == 201
    assert evaluation.evaluate(booking, 1) == "passed"
    assert qc.balances(talent) == {"pending": 0, "available": share}
    assert qc.trial_balance_is_zero()
