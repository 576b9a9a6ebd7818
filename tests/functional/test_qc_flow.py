"""The QC gate end to end in process: a report-required booking's report, its evaluation
through the QC queue's handler, the hold and release in the ledger, and what both parties
read on the booking."""

from __future__ import annotations

from typing import Any

import pytest

from tests.functional import qc_support as qc
from tests.functional.deals import ADMIN, CUSTOMER, TALENT
from tests.support import JsonClient


@pytest.fixture
def bus(stack: Any) -> qc.EventBus:
    from chalicelib import clients

    recorder = qc.EventBus()
    clients.override("events", recorder)
    return recorder


def test_weak_report_then_revised_report_releases_the_hold(
    api: JsonClient, frozen_clock: Any, lambdas: Any, bus: qc.EventBus
) -> None:
    service = qc.qc_service(api)
    assert service["report_required"] is True
    booking = qc.delivered(api, frozen_clock, service["id"])
    assert booking["report_required"] is True
    assert booking["report"] is None and booking["qc"] is None
    done = qc.complete(api, booking["id"])
    talent_id = done["talent_id"]
    net = qc.PRICE - qc.FEE
    assert qc.balances(talent_id) == {"pending": net, "available": 0}
    assert done["qc_hold"]["amount"] == net

    posted = qc.post_report(api, booking["id"], qc.weak_report())
    assert posted.status == 201, posted.body
    assert posted.body["qc"]["status"] == "pending"
    assert posted.body["report"]["version"] == 1
    assert qc.run_qc(lambdas, bus) == {"batchItemFailures": []}
    seen = api.get(f"/v1/bookings/{booking['id']}", as_user=CUSTOMER).body
    assert seen["qc"]["status"] == "revise"
    assert seen["qc"]["reasons"] == [
        "summary_length",
        "action_items_count",
        "action_item_length",
        "contact_details",
        "rating_missing",
    ]
    assert qc.balances(talent_id) == {"pending": net, "available": 0}

    again = qc.post_report(api, booking["id"], qc.good_report())
    assert again.status == 201, again.body
    assert again.body["report"]["version"] == 2
    assert qc.run_qc(lambdas, bus) == {"batchItemFailures": []}
    for who in (CUSTOMER, TALENT, ADMIN):
        seen = api.get(f"/v1/bookings/{booking['id']}", as_user=who).body
        assert seen["qc"]["status"] == "passed" and seen["qc"]["reasons"] == []
        assert seen["report"]["summary"] == qc.SUMMARY_WORDS
    assert qc.balances(talent_id) == {"pending": 0, "available": net}
    assert qc.trial_balance_is_zero()
    shown = api.get("/v1/me/balance", as_user=TALENT).body["items"]
    assert shown[0]["available"] == net and shown[0]["pending"] == 0
