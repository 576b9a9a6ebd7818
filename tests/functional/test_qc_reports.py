"""Posting a delivery report: only the talent, only once delivered, only for a service
that requires one, replaced only while QC says revise; bad input is a 400 that changes
nothing; the service's `report_required` comes from its category and is copied onto the
booking when requested."""

from __future__ import annotations

from typing import Any

import pytest

from tests.functional import qc_support as qc
from tests.functional.deals import CUSTOMER, TALENT, book, take
from tests.functional.factories import create_service, create_talent
from tests.support import JsonClient


def _seen(api: JsonClient, booking_id: str) -> tuple[Any, Any]:
    body = api.get(f"/v1/bookings/{booking_id}", as_user=CUSTOMER).body
    return body.get("report"), body.get("qc")


def test_report_required_defaults_from_the_category_and_is_copied_when_booked(
    api: JsonClient,
) -> None:
    talent = create_talent(api, TALENT)
    coaching = create_service(api, TALENT, talent["id"], category="coaching.life")
    show = create_service(api, TALENT, talent["id"])
    opted_out = create_service(
        api, TALENT, talent["id"], category="lessons.music", report_required=False
    )
    assert (coaching["report_required"], show["report_required"]) == (True, False)
    assert opted_out["report_required"] is False
    booking = book(api, coaching["id"])
    assert booking["report_required"] is True
    # Changing the service later does not change a booking already requested.
    reply = api.patch(
        f"/v1/services/{coaching['id']}", as_user=TALENT, json_body={"report_required": False}
    )
    assert reply.status == 200 and reply.body["report_required"] is False
    assert api.get(f"/v1/bookings/{booking['id']}", as_user=CUSTOMER).body["report_required"]
    tree = {c["slug"]: c for c in api.get("/v1/categories").body["items"]}
    assert tree["coaching"]["report_required"] and not tree["music"]["report_required"]


BAD_BODIES = [
    {},
    {"summary": "", "action_items": qc.ACTION_ITEMS, "rating": 5},
    {"summary": "fine", "action_items": "one two three", "rating": 5},
    {"summary": "fine", "action_items": [""], "rating": 5},
    {"summary": "fine", "action_items": qc.ACTION_ITEMS, "rating": 6},
    {"summary": "fine", "action_items": qc.ACTION_ITEMS, "rating": "5"},
    {"summary": "fine", "action_items": qc.ACTION_ITEMS, "extra": True},
]


def test_bad_input_is_a_400_that_changes_nothing(api: JsonClient, frozen_clock: Any) -> None:
    booking = qc.delivered(api, frozen_clock, qc.qc_service(api)["id"])["id"]
    for body in BAD_BODIES:
        reply = qc.post_report(api, booking, body)
        assert reply.status == 400 and reply.error_code == "VALIDATION_ERROR", (body, reply.body)
        assert _seen(api, booking) == (None, None)


def test_who_and_when(api: JsonClient, frozen_clock: Any) -> None:
    service = qc.qc_service(api)
    booking = book(api, service["id"])
    assert take(api, "bookings", booking["id"], "accept", TALENT).status == 200
    # Before delivery: 409, nothing stored.
    early = qc.post_report(api, booking["id"], qc.good_report())
    assert early.status == 409 and early.error_code == "CONFLICT"
    assert _seen(api, booking["id"]) == (None, None)
    delivered = qc.delivered(api, frozen_clock, service["id"], start="2026-12-11T18:00:00Z")
    for who, status in ((CUSTOMER, 403), ("stranger@example.com", 404)):
        reply = qc.post_report(api, delivered["id"], qc.good_report(), as_user=who)
        assert reply.status == status, reply.body
        assert _seen(api, delivered["id"]) == (None, None)
    assert qc.post_report(api, "01ARZ3NDEKTSV4RRFFQ69G5FAV", qc.good_report()).status == 404


def test_a_report_is_replaced_only_while_qc_says_revise(api: JsonClient, frozen_clock: Any) -> None:
    from chalicelib.usecases.qc import evaluation

    booking = qc.delivered(api, frozen_clock, qc.qc_service(api)["id"])["id"]
    first = qc.post_report(api, booking, qc.weak_report())
    assert first.status == 201 and first.body["qc"] == {
        "status": "pending",
        "reasons": [],
        "explanations": [],
        "checked_at": None,
        "report_version": 1,
        "decided_by": None,
        "note": None,
    }
    # Pending: QC has not spoken, the report stays as it is.
    refused = qc.post_report(api, booking, qc.good_report())
    assert refused.status == 409
    assert _seen(api, booking)[0]["summary"] == qc.weak_report()["summary"]
    assert evaluation.evaluate(booking, 1) == "revise"
    second = qc.post_report(api, booking, qc.good_report())
    assert second.status == 201 and second.body["report"]["version"] == 2
    assert _seen(api, booking)[1]["status"] == "pending"
    assert evaluation.evaluate(booking, 2) == "passed"
    late = qc.post_report(api, booking, qc.weak_report())
    assert late.status == 409
    report, verdict = _seen(api, booking)
    assert report["version"] == 2 and verdict["status"] == "passed"


def test_a_service_without_a_report_keeps_todays_behaviour(
    api: JsonClient, frozen_clock: Any
) -> None:
    booking = qc.delivered(api, frozen_clock, qc.qc_service(api, category="music.dj")["id"])
    assert booking["report_required"] is False
    assert "report" not in booking and "qc" not in booking
    refused = qc.post_report(api, booking["id"], qc.good_report())
    assert refused.status == 409, refused.body
    done = qc.complete(api, booking["id"])
    assert "qc_hold" not in done
    assert qc.balances(done["talent_id"]) == {"pending": 0, "available": qc.PRICE - qc.FEE}


def test_a_replayed_post_has_one_effect_and_a_stale_post_is_refused(
    api: JsonClient, frozen_clock: Any
) -> None:
    from chalicelib.errors import ConflictError
    from chalicelib.models import qc_items, subjects
    from chalicelib.models.writes import Writes

    booking = qc.delivered(api, frozen_clock, qc.qc_service(api)["id"])["id"]
    stale = subjects.require("booking", booking)
    headers = {"Idempotency-Key": "report-once"}
    first = api.post(
        f"/v1/bookings/{booking}/report",
        as_user=TALENT,
        json_body=qc.good_report(),
        headers=headers,
    )
    replay = api.post(
        f"/v1/bookings/{booking}/report",
        as_user=TALENT,
        json_body=qc.good_report(),
        headers=headers,
    )
    assert (first.status, replay.status) == (201, 201) and first.body == replay.body
    assert _seen(api, booking)[0]["version"] == 1
    # A racer that read the booking before the first post: its write's condition refuses it.
    writes = Writes()
    qc_items.submit_in(writes, stale, {"summary": "late", "version": 1}, {"status": "pending"})
    with pytest.raises(ConflictError):
        writes.commit("raced")
    assert _seen(api, booking)[0]["summary"] == qc.SUMMARY_WORDS
