"""The admin console on the local stack, over HTTP: a report → hide → appeal → restore;
suspend → 403 ACCOUNT_SUSPENDED and the talent gone from search → unsuspend; an export
written by the exports worker, downloaded through its presigned link from the emulator's
S3 and parsed as CSV; the dashboard counted by the stats worker."""

from __future__ import annotations

import csv
import io
import uuid
from typing import Any

import pytest
import requests

from tests.e2e.flows import now as _now
from tests.e2e.flows import ok as _ok
from tests.e2e.harness import RunningStack, assert_envelope
from tests.e2e.test_reviews import _completed_booking

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]


def _admin(devstack: RunningStack) -> str:
    return devstack.token(f"console-admin-{uuid.uuid4().hex[:8]}@example.com", admin=True)


def _decide(devstack: RunningStack, admin: str, report_id: str, action: str) -> dict[str, Any]:
    return _ok(
        devstack.api(
            "POST",
            f"/v1/admin/reports/{report_id}/decide",
            admin,
            json={"action": action, "note": f"e2e {action}"},
        )
    )


def _open_reports(devstack: RunningStack, admin: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor = None
    while True:
        path = "/v1/admin/reports?state=open&limit=100" + (f"&cursor={cursor}" if cursor else "")
        page = _ok(devstack.api("GET", path, admin))
        items += page["items"]
        cursor = page["next_cursor"]
        if not cursor:
            return items


def test_report_hide_appeal_restore(devstack: RunningStack) -> None:
    word = f"ac{uuid.uuid4().hex[:10]}"
    talent, talent_id, customer, booking_id = _completed_booking(devstack, word)
    subject = {"type": "booking", "id": booking_id}
    harsh = _ok(
        devstack.api("POST", "/v1/reviews", customer, json={"subject": subject, "rating": 1}), 201
    )
    _ok(devstack.api("POST", "/v1/reviews", talent, json={"subject": subject, "rating": 5}), 201)
    admin = _admin(devstack)

    report = _ok(
        devstack.api(
            "POST",
            "/v1/reports",
            talent,
            json={"target": {"type": "review", "id": harsh["id"]}, "reason": "insulting"},
        ),
        201,
    )
    assert report["id"] in [r["id"] for r in _open_reports(devstack, admin)]
    assert _decide(devstack, admin, report["id"], "hide")["decision"] == "hide"
    assert devstack.api("GET", f"/v1/reviews/{harsh['id']}").status_code == 404
    assert _ok(devstack.api("GET", f"/v1/reviews/{harsh['id']}", customer))["hidden"] is True
    assert _ok(devstack.api("GET", f"/v1/talent/{talent_id}/reviews"))["items"] == []

    _ok(
        devstack.api(
            "POST", f"/v1/reviews/{harsh['id']}/appeal", customer, json={"reason": "it was fair"}
        ),
        201,
    )
    appeal = next(
        r
        for r in _open_reports(devstack, admin)
        if r["appeal"] and r["target"]["id"] == harsh["id"]
    )
    _decide(devstack, admin, appeal["id"], "restore")
    assert _ok(devstack.api("GET", f"/v1/reviews/{harsh['id']}"))["id"] == harsh["id"]
    page = _ok(devstack.api("GET", f"/v1/talent/{talent_id}/reviews"))
    assert [r["id"] for r in page["items"]] == [harsh["id"]]
    trail = _ok(devstack.api("GET", f"/v1/admin/audit?target=review:{harsh['id']}", admin))
    assert [e["action"] for e in trail["items"]] == ["content.restore", "content.hide"]


def test_suspend_refuses_changes_and_hides_the_talent_until_unsuspended(
    devstack: RunningStack,
) -> None:
    word = f"sus{uuid.uuid4().hex[:10]}"
    talent = devstack.token(f"{word}@example.com")
    profile = _ok(
        devstack.api(
            "POST",
            "/v1/talent",
            talent,
            json={
                "display_name": f"Suspended {word}",
                "categories": ["music.dj"],
                "location": {"city": "Erbil", "country": "IQ", "lat": 36.19, "lng": 44.01},
            },
        ),
        201,
    )
    search = f"/v1/search/talent?q={word}"
    assert [c["id"] for c in _ok(devstack.api("GET", search))["items"]] == [profile["id"]]
    admin = _admin(devstack)
    found = _ok(devstack.api("GET", f"/v1/admin/users?q={word}", admin))["items"]
    assert [u["id"] for u in found] == [profile["user_id"]]

    reason = {"reason": "e2e check"}
    suspended = devstack.api(
        "POST", f"/v1/admin/users/{profile['user_id']}/suspend", admin, json=reason
    )
    assert _ok(suspended)["status"] == "suspended"
    refused = devstack.api("PATCH", "/v1/me", talent, json={"display_name": "Still here"})
    assert_envelope(refused, 403, "ACCOUNT_SUSPENDED")
    assert _ok(devstack.api("GET", "/v1/me", talent))["display_name"] != "Still here"
    assert _ok(devstack.api("GET", search))["items"] == []
    assert devstack.api("GET", f"/v1/talent/{profile['id']}").status_code == 404

    back = devstack.api(
        "POST", f"/v1/admin/users/{profile['user_id']}/unsuspend", admin, json=reason
    )
    assert _ok(back)["status"] == "active"
    assert [c["id"] for c in _ok(devstack.api("GET", search))["items"]] == [profile["id"]]
    _ok(devstack.api("PATCH", "/v1/me", talent, json={"display_name": "Back again"}))


def test_an_export_is_downloaded_and_parsed_and_the_dashboard_counts(
    devstack: RunningStack,
) -> None:
    admin = _admin(devstack)
    target = devstack.token(f"exported-{uuid.uuid4().hex[:8]}@example.com")
    user_id = _ok(devstack.api("GET", "/v1/me", target))["id"]
    reason = "=SUM(A1:A9) عربي"
    _ok(devstack.api("POST", f"/v1/admin/users/{user_id}/suspend", admin, json={"reason": reason}))
    today = _now(devstack).date().isoformat()
    started = _ok(
        devstack.api(
            "POST", "/v1/admin/exports", admin, json={"kind": "audit", "from": today, "to": today}
        ),
        202,
    )
    assert started["state"] == "running"
    _ok(devstack.sandbox("POST", "/dev/drain"))
    ready = _ok(devstack.api("GET", f"/v1/admin/exports/{started['id']}", admin))
    assert ready["state"] == "ready", ready
    download = requests.get(ready["download_url"], timeout=10)
    assert download.status_code == 200, download.text
    assert download.content.startswith(b"\xef\xbb\xbf")
    header, *rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"), newline="")))
    assert header[:4] == ["id", "created_at", "actor_id", "action"]
    mine = [r for r in rows if r[header.index("target_id")] == user_id]
    assert [r[header.index("action")] for r in mine] == ["user.suspend"]
    assert mine[0][header.index("reason")] == "'" + reason

    figures = _ok(devstack.api("GET", f"/v1/admin/dashboard?from={today}&to={today}", admin))
    assert figures["new_users"] >= 2
    assert_envelope(
        devstack.api("GET", "/v1/admin/dashboard?from=2020-01-01&to=2026-01-01", admin),
        400,
        "VALIDATION_ERROR",
    )
