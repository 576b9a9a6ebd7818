"""Exports: 202 and `running`, the exports worker writes a CSV (BOM, escaped formulas) to S3
by paging the kind's time index, then `GET` gives a presigned link that downloads it; a
failing kind marks the export failed; bad ranges are 400 and start nothing."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import requests

from tests.functional.conftest import ADMIN_EMAIL
from tests.functional.deals import CUSTOMER, book, talent_with_service
from tests.functional.factories import count_items
from tests.support import JsonClient

ADMIN = ADMIN_EMAIL


def start(api: JsonClient, kind: str, first: str = "2026-11-01", last: str = "2026-11-30") -> Any:
    return api.post(
        "/v1/admin/exports", as_user=ADMIN, json_body={"kind": kind, "from": first, "to": last}
    )


def run_worker(lambdas: Any, export_id: str) -> dict[str, Any]:
    message = {"type": "export.run", "export_id": export_id}
    event = lambdas.events.generate_sqs_event(
        message_bodies=[json.dumps(message)], queue_name="marketplace-exports"
    )
    event["Records"][0]["messageId"] = "msg-0"
    result: dict[str, Any] = lambdas.lambda_.invoke("exports_worker", event).payload
    return result


def download(api: JsonClient, export_id: str) -> list[list[str]]:
    ready = api.get(f"/v1/admin/exports/{export_id}", as_user=ADMIN)
    assert ready.status == 200 and ready.body["state"] == "ready", ready.body
    raw = requests.get(ready.body["download_url"], timeout=10).content
    assert raw.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def test_a_bookings_export_pages_by_day_and_downloads_as_csv(
    api: JsonClient, lambdas: Any, frozen_clock: Any
) -> None:
    _talent, service = talent_with_service(api)
    first = book(api, service["id"], details="=cmd|' /C calc'!A0")
    frozen_clock.advance(2 * 24 * 3600)
    second = book(api, service["id"], start="2026-12-12T18:00:00Z")
    frozen_clock.advance(40 * 24 * 3600)
    late = book(api, service["id"], start="2027-02-01T18:00:00Z")
    started = start(api, "bookings", "2026-11-22", "2026-11-30")
    assert started.status == 202, started.body
    assert started.body["state"] == "running" and started.body["download_url"] is None
    export_id = started.body["id"]
    running = api.get(f"/v1/admin/exports/{export_id}", as_user=ADMIN).body
    assert running["state"] == "running" and running["download_url"] is None

    assert run_worker(lambdas, export_id) == {"batchItemFailures": []}
    rows = download(api, export_id)
    assert rows[0][:3] == ["id", "created_at", "state"]
    assert [row[0] for row in rows[1:]] == [first["id"], second["id"]]
    header = rows[0]
    assert rows[1][header.index("created_at")] == "2026-11-22T12:00:00Z"
    assert rows[1][header.index("price")] == str(first["price"]["amount"])
    assert rows[1][header.index("currency")] == first["price"]["currency"]
    assert rows[1][header.index("start")] == first["start"]
    assert late["id"] not in {row[0] for row in rows}
    assert api.get(f"/v1/admin/exports/{export_id}", as_user=ADMIN).body["rows"] == 2
    # A redelivered message leaves a finished export alone.
    assert run_worker(lambdas, export_id) == {"batchItemFailures": []}


def test_an_audit_export_escapes_formulas(api: JsonClient, lambdas: Any, frozen_clock: Any) -> None:
    target = api.get("/v1/me", as_user=CUSTOMER).body["id"]
    reason = '=HYPERLINK("http://evil")'
    assert (
        api.post(
            f"/v1/admin/users/{target}/suspend", as_user=ADMIN, json_body={"reason": reason}
        ).status
        == 200
    )
    export_id = start(api, "audit").body["id"]
    assert run_worker(lambdas, export_id) == {"batchItemFailures": []}
    rows = download(api, export_id)
    header, *body = rows
    by_action = {row[header.index("action")]: row for row in body}
    suspended = by_action["user.suspend"]
    assert suspended[header.index("reason")] == "'" + reason
    assert json.loads(suspended[header.index("after")]) == {"status": "suspended"}
    assert "export.start" in by_action


def test_disputes_export_is_empty_until_disputes_exist(api: JsonClient, lambdas: Any) -> None:
    export_id = start(api, "disputes").body["id"]
    assert run_worker(lambdas, export_id) == {"batchItemFailures": []}
    rows = download(api, export_id)
    assert rows[0][0] == "id" and rows[1:] == []


def test_a_disputes_export_lists_a_dispute_opened_that_day(
    api: JsonClient, lambdas: Any, frozen_clock: Any
) -> None:
    from tests.functional.deals import TALENT
    from tests.functional.disputing import PRICE, disputed_booking, offer

    booking, dispute = disputed_booking(api, category="late", reason="started an hour late")
    # A later transition (the talent's offer) keeps the dispute in the export index.
    assert offer(api, dispute["id"], TALENT, 50000).status == 201
    export_id = start(api, "disputes", "2026-11-22", "2026-11-22").body["id"]
    assert run_worker(lambdas, export_id) == {"batchItemFailures": []}
    header, *body = download(api, export_id)
    assert [row[0] for row in body] == [dispute["id"]]
    (row,) = body
    assert row[header.index("created_at")] == "2026-11-22T12:00:00Z"
    assert row[header.index("state")] == "negotiating"
    assert row[header.index("subject_type")] == "booking"
    assert row[header.index("subject_id")] == booking["id"]
    assert row[header.index("opened_by")] == dispute["opened_by"]
    assert row[header.index("category")] == "late"
    assert row[header.index("amount_in_dispute")] == str(PRICE)
    assert row[header.index("currency")] == "IQD"
    # Another day's export does not list it.
    other_id = start(api, "disputes", "2026-11-23", "2026-11-30").body["id"]
    assert run_worker(lambdas, other_id) == {"batchItemFailures": []}
    assert download(api, other_id)[1:] == []


def test_a_failing_export_is_marked_failed_and_reported(
    api: JsonClient, lambdas: Any, monkeypatch: Any
) -> None:
    from chalicelib.models import exports as store

    export_id = start(api, "payments").body["id"]

    def broken(kind: str, day: Any, page_size: int = 200) -> Any:
        raise RuntimeError("index unavailable")
        yield  # pragma: no cover

    monkeypatch.setattr(store, "indexed", broken)
    result = run_worker(lambdas, export_id)
    assert result == {"batchItemFailures": [{"itemIdentifier": "msg-0"}]}
    failed = api.get(f"/v1/admin/exports/{export_id}", as_user=ADMIN).body
    assert failed["state"] == "failed" and "index unavailable" in failed["error"]
    assert failed["download_url"] is None


def test_bad_ranges_are_400_and_start_nothing(api: JsonClient) -> None:
    for first, last in (
        ("2026-11-30", "2026-11-01"),
        ("2025-01-01", "2026-11-30"),
        ("2026-02-30", "2026-03-01"),
    ):
        assert start(api, "payments", first, last).status == 400
    assert start(api, "everything").status == 400
    assert count_items("export") == 0
    assert api.get("/v1/admin/exports/01JDNOTHEREXXXXXXXXXXXXXXX", as_user=ADMIN).status == 404


def test_a_payouts_export_lists_the_days_payouts(
    api: JsonClient, lambdas: Any, frozen_clock: Any
) -> None:
    from tests.functional.test_admin_audit import manual_payout

    payout_id = manual_payout(api)
    export_id = start(api, "payouts", "2026-11-22", "2026-11-22").body["id"]
    assert run_worker(lambdas, export_id) == {"batchItemFailures": []}
    header, *rows = download(api, export_id)
    assert [(r[0], r[header.index("amount")], r[header.index("state")]) for r in rows] == [
        (payout_id, "2500", "manual_pending")
    ]
