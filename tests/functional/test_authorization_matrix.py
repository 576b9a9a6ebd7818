"""Every endpoint of the supply side x every kind of caller, with the status each must get.

Each row gets a fresh world: a public talent with a service, a portfolio item, a verified
portfolio image and a verified private attachment, all owned by OWNER. Callers are tried in
the order anonymous, other, admin, owner, so that a refusal is checked before a success
could change what the next caller sees."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from tests.functional.conftest import ADMIN_EMAIL
from tests.functional.factories import (
    create_service,
    create_talent,
    service_body,
    talent_body,
    verified_media,
)
from tests.support import JsonClient

OWNER, OTHER = "owner@example.com", "other@example.com"
ROLES = ("anonymous", "other", "admin", "owner")
EMAILS = {"anonymous": None, "other": OTHER, "admin": ADMIN_EMAIL, "owner": OWNER}


@dataclass
class World:
    talent: str
    service: str
    portfolio_item: str
    portfolio_media: str
    attachment: str
    media_by_role: dict[str, str]


def _world(api: JsonClient, *, hidden: bool = False) -> World:
    talent = create_talent(api, OWNER)
    service = create_service(api, OWNER, talent["id"])
    portfolio_media = verified_media(api, OWNER)
    item = api.post(
        f"/v1/talent/{talent['id']}/portfolio",
        as_user=OWNER,
        json_body={"title": "Show", "media_id": portfolio_media},
    ).body
    if hidden:
        api.patch(f"/v1/talent/{talent['id']}", as_user=OWNER, json_body={"is_active": False})
    return World(
        talent=talent["id"],
        service=service["id"],
        portfolio_item=item["id"],
        portfolio_media=portfolio_media,
        attachment=verified_media(api, OWNER, "attachment", "application/pdf"),
        media_by_role={role: verified_media(api, email) for role, email in EMAILS.items() if email},
    )


@dataclass(frozen=True)
class Row:
    method: str
    path: str
    expected: dict[str, int]
    body: Any = None


def _all(status: int) -> dict[str, int]:
    return dict.fromkeys(ROLES, status)


def _users(status: int) -> dict[str, int]:
    return {"anonymous": 401, "other": status, "admin": status, "owner": status}


def _owner_only(status: int, admin: int = 403) -> dict[str, int]:
    return {"anonymous": 401, "other": 403, "admin": admin, "owner": status}


MEDIA_FOR_CALLER = "{media_of_caller}"
ROWS = [
    Row("GET", "/v1/categories", _all(200)),
    Row(
        "POST",
        "/v1/talent",
        {"anonymous": 401, "other": 201, "admin": 201, "owner": 409},
        talent_body(),
    ),
    Row("GET", "/v1/talent/{talent}", _all(200)),
    Row("PATCH", "/v1/talent/{talent}", _owner_only(200, admin=200), {"headline": "Changed"}),
    Row(
        "POST",
        "/v1/talent/{talent}/portfolio",
        _owner_only(201),
        {"title": "More", "media_id": MEDIA_FOR_CALLER},
    ),
    Row(
        "PATCH",
        "/v1/talent/{talent}/portfolio/{portfolio_item}",
        _owner_only(200),
        {"title": "Renamed"},
    ),
    Row("DELETE", "/v1/talent/{talent}/portfolio/{portfolio_item}", _owner_only(204)),
    Row("GET", "/v1/talent/{talent}/services", _all(200)),
    Row(
        "GET",
        "/v1/talent/{talent}/services?include_inactive=true",
        {"anonymous": 403, "other": 403, "admin": 200, "owner": 200},
    ),
    Row("POST", "/v1/talent/{talent}/services", _owner_only(201), service_body()),
    Row("GET", "/v1/services/{service}", _all(200)),
    Row("PATCH", "/v1/services/{service}", _owner_only(200), {"title": "Renamed service"}),
    Row("DELETE", "/v1/services/{service}", _owner_only(204, admin=204)),
    Row("GET", "/v1/talent/{talent}/availability?from=2026-12-01&to=2026-12-07", _all(200)),
    Row("PUT", "/v1/talent/{talent}/availability", _owner_only(200), {"weekly": ["fri"]}),
    Row(
        "POST",
        "/v1/media/uploads",
        _users(201),
        {"purpose": "avatar", "filename": "me.png", "content_type": "image/png", "size": 1000},
    ),
    Row("GET", "/v1/media/{portfolio_media}", _all(200)),
    Row(
        "GET",
        "/v1/media/{attachment}",
        {"anonymous": 404, "other": 404, "admin": 200, "owner": 200},
    ),
    Row("POST", "/v1/me/saved/{talent}", _users(201)),
    Row("GET", "/v1/me/saved", _users(200)),
    Row("DELETE", "/v1/me/saved/{talent}", _users(204)),
]

# The same talent, deactivated by its owner: its existence is private to owner and admins.
HIDDEN_ROWS = [
    Row("GET", "/v1/talent/{talent}", {"anonymous": 404, "other": 404, "admin": 200, "owner": 200}),
    Row(
        "PATCH",
        "/v1/talent/{talent}",
        {"anonymous": 401, "other": 404, "admin": 200, "owner": 200},
        {"headline": "x"},
    ),
    Row(
        "GET",
        "/v1/talent/{talent}/services",
        {"anonymous": 404, "other": 404, "admin": 200, "owner": 200},
    ),
    Row(
        "POST",
        "/v1/talent/{talent}/services",
        {"anonymous": 401, "other": 404, "admin": 403, "owner": 201},
        service_body(),
    ),
    Row(
        "GET",
        "/v1/services/{service}",
        {"anonymous": 404, "other": 404, "admin": 200, "owner": 200},
    ),
    Row(
        "GET",
        "/v1/talent/{talent}/availability?from=2026-12-01&to=2026-12-02",
        {"anonymous": 404, "other": 404, "admin": 200, "owner": 200},
    ),
    Row(
        "PUT",
        "/v1/talent/{talent}/availability",
        {"anonymous": 401, "other": 404, "admin": 403, "owner": 200},
        {"weekly": ["fri"]},
    ),
    Row(
        "POST",
        "/v1/me/saved/{talent}",
        {"anonymous": 401, "other": 404, "admin": 201, "owner": 201},
    ),
]


def _body_for(row: Row, world: World, role: str) -> Any:
    if isinstance(row.body, dict) and row.body.get("media_id") == MEDIA_FOR_CALLER:
        return dict(row.body, media_id=world.media_by_role.get(role, world.portfolio_media))
    return row.body


_VOLATILE = {"download_url", "download_expires_at"}  # presigned anew on every read


def _stable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _stable(v) for k, v in value.items() if k not in _VOLATILE}
    if isinstance(value, list):
        return [_stable(v) for v in value]
    return value


def _observe(api: JsonClient, world: World) -> dict[str, Any]:
    """Everything a row could change, read back as the owner and each user sees it."""
    reads = {
        "talent": f"/v1/talent/{world.talent}",
        "services": f"/v1/talent/{world.talent}/services?include_inactive=true",
        "service": f"/v1/services/{world.service}",
        "availability": f"/v1/talent/{world.talent}/availability?from=2026-12-01&to=2026-12-07",
        "portfolio_media": f"/v1/media/{world.portfolio_media}",
        "attachment": f"/v1/media/{world.attachment}",
        "saved": "/v1/me/saved",
    }
    seen: dict[str, Any] = {}
    for name, path in reads.items():
        reply = api.get(path, as_user=OWNER)
        seen[name] = (reply.status, _stable(reply.body))
    for role in ("other", "admin"):
        reply = api.get("/v1/me/saved", as_user=EMAILS[role])
        seen[f"saved:{role}"] = (reply.status, reply.body)
    return seen


def _check(api: JsonClient, row: Row, world: World) -> None:
    path = row.path.format(**vars(world))
    before: dict[str, Any] | None = None
    refusals = 0
    for role in ROLES:
        if before is None:
            before = _observe(api, world)
            assert before["talent"][0] == 200 and before["service"][0] == 200, before
        reply = api.request(
            row.method, path, json_body=_body_for(row, world, role), as_user=EMAILS[role]
        )
        assert reply.status == row.expected[role], (row.method, path, role, reply.body)
        if reply.status < 400:
            before = None  # a success may change things: read them again before the next try
            continue
        refusals += 1
        assert reply.error_code, (row.method, path, role, reply.body)
        # A refusal changes nothing that anyone can read back.
        assert _observe(api, world) == before, (row.method, path, role)
    assert refusals == sum(status >= 400 for status in row.expected.values())


@pytest.mark.parametrize("row", ROWS, ids=[f"{r.method} {r.path}" for r in ROWS])
def test_public_talent(api: JsonClient, row: Row) -> None:
    _check(api, row, _world(api))


@pytest.mark.parametrize("row", HIDDEN_ROWS, ids=[f"{r.method} {r.path}" for r in HIDDEN_ROWS])
def test_hidden_talent(api: JsonClient, row: Row) -> None:
    _check(api, row, _world(api, hidden=True))


# --- Disputes: every endpoint x anonymous, another user, an admin, and each party ---------

DISPUTE_ROLES = ("anonymous", "other", "admin", "talent", "customer")


def _dispute_emails() -> dict[str, str | None]:
    from tests.functional.deals import CUSTOMER, TALENT

    return {
        "anonymous": None,
        "other": OTHER,
        "admin": ADMIN_EMAIL,
        "talent": TALENT,
        "customer": CUSTOMER,
    }


def _parties(status: int) -> dict[str, int]:
    return {"anonymous": 401, "other": 404, "admin": 403, "talent": status, "customer": status}


def _readers(status: int = 200) -> dict[str, int]:
    return {"anonymous": 401, "other": 404, "admin": status, "talent": status, "customer": status}


def _admin_only(status: int) -> dict[str, int]:
    return {"anonymous": 401, "other": 403, "admin": status, "talent": 403, "customer": 403}


IQD_1000 = {"amount": 1000, "currency": "IQD"}
# (row, the stage the dispute is brought to first: opened, offered, escalatable, escalated)
DISPUTE_ROWS: tuple[tuple[Row, str], ...] = (
    (Row("GET", "/v1/disputes", {**_readers(), "other": 200}), "opened"),
    (Row("GET", "/v1/disputes/{dispute}", _readers()), "opened"),
    (Row("GET", "/v1/disputes/{dispute}/events", _readers()), "opened"),
    (Row("POST", "/v1/disputes/{dispute}/evidence", _parties(201), {"note": "see"}), "opened"),
    (
        Row("POST", "/v1/disputes/{dispute}/offers", _parties(201), {"refund_amount": IQD_1000}),
        "opened",
    ),
    # The talent made the offer: only the customer may accept it.
    (
        Row(
            "POST",
            "/v1/disputes/{dispute}/offers/{offer}/accept",
            {**_parties(200), "talent": 403},
        ),
        "offered",
    ),
    # 72 h after the opening: the first party escalates, the second finds it escalated.
    (
        Row("POST", "/v1/disputes/{dispute}/escalate", {**_parties(200), "customer": 409}),
        "escalatable",
    ),
    (Row("GET", "/v1/admin/disputes?state=escalated", _admin_only(200)), "escalated"),
    (
        Row(
            "POST",
            "/v1/admin/disputes/{dispute}/decide",
            _admin_only(200),
            {"refund_amount": IQD_1000, "note": "decided"},
        ),
        "escalated",
    ),
)


def _dispute_world(api: JsonClient, frozen: Any, stage: str) -> dict[str, str]:
    from datetime import timedelta

    from tests.functional.deals import CUSTOMER, TALENT
    from tests.functional.disputing import disputed_booking, offer

    _, dispute = disputed_booking(api)
    world = {"dispute": dispute["id"], "offer": ""}
    if stage == "opened":
        return world
    made = offer(api, dispute["id"], TALENT, 1000).body
    world["offer"] = made["offers"][0]["id"]
    if stage in ("escalatable", "escalated"):
        frozen.set(frozen.now() + timedelta(hours=73))
    if stage == "escalated":
        reply = api.post(f"/v1/disputes/{dispute['id']}/escalate", as_user=CUSTOMER)
        assert reply.status == 200, reply.body
    return world


@pytest.mark.parametrize(
    ("row", "stage"), DISPUTE_ROWS, ids=[f"{r.method} {r.path}" for r, _ in DISPUTE_ROWS]
)
def test_dispute_endpoints(api: JsonClient, frozen_clock: Any, row: Row, stage: str) -> None:
    world = _dispute_world(api, frozen_clock, stage)
    path = row.path.format(**world)
    emails = _dispute_emails()

    def observe() -> Any:
        seen = api.get(f"/v1/disputes/{world['dispute']}", as_user=ADMIN_EMAIL).body
        return {k: seen[k] for k in ("state", "version", "evidence", "offers", "outcome")}

    for role in DISPUTE_ROLES:
        before = observe()
        reply = api.request(row.method, path, json_body=row.body, as_user=emails[role])
        assert reply.status == row.expected[role], (row.method, path, role, reply.body)
        if reply.status >= 400:
            assert reply.error_code and observe() == before, (row.method, path, role)
        elif row.method == "GET" and not path.endswith("/events") and "items" in reply.body:
            # "Mine" holds it for the parties only; the admin list for the admin.
            ids = [d["id"] for d in reply.body["items"]]
            listed = role in ("talent", "customer") or path.startswith("/v1/admin")
            assert (world["dispute"] in ids) == listed, (path, role, ids)


# --- Delivery reports and the QC gate: a delivered report-required booking --------------

QC_ROLES = ("anonymous", "other", "customer", "admin", "talent")


def _qc_world(api: JsonClient, clock: Any) -> str:
    from tests.functional import qc_support

    service = qc_support.qc_service(api, OWNER)
    return str(qc_support.delivered(api, clock, service["id"], talent=OWNER)["id"])


def _qc_emails() -> dict[str, str | None]:
    from tests.functional.deals import CUSTOMER

    return {
        "anonymous": None,
        "other": OTHER,
        "customer": CUSTOMER,
        "admin": ADMIN_EMAIL,
        "talent": OWNER,
    }


def _qc_observe(api: JsonClient, booking: str) -> Any:
    from tests.functional.factories import count_items

    reply = api.get(f"/v1/bookings/{booking}", as_user=OWNER)
    return (reply.body.get("report"), reply.body.get("qc"), count_items("audit"))


QC_ROWS = [
    Row(
        "GET",
        "/v1/bookings/{booking}",
        {**dict.fromkeys(QC_ROLES, 200), "anonymous": 401, "other": 404},
    ),
    Row(
        "POST",
        "/v1/bookings/{booking}/report",
        {"anonymous": 401, "other": 404, "customer": 403, "admin": 403, "talent": 201},
        "good_report",
    ),
    Row(
        "POST",
        "/v1/admin/bookings/{booking}/qc",
        {"anonymous": 401, "other": 403, "customer": 403, "admin": 200, "talent": 403},
        {"status": "waived", "note": "reviewed by phone with both parties"},
    ),
    Row(
        "GET",
        "/v1/admin/qc?status=revise",
        {"anonymous": 401, "other": 403, "customer": 403, "admin": 200, "talent": 403},
    ),
]


@pytest.mark.parametrize("row", QC_ROWS, ids=[f"{r.method} {r.path}" for r in QC_ROWS])
def test_qc_endpoints(api: JsonClient, frozen_clock: Any, row: Row) -> None:
    from tests.functional import qc_support

    booking = _qc_world(api, frozen_clock)
    path = row.path.format(booking=booking)
    body = qc_support.good_report() if row.body == "good_report" else row.body
    emails = _qc_emails()
    refusals = 0
    for role in QC_ROLES:
        before = _qc_observe(api, booking)
        reply = api.request(row.method, path, json_body=body, as_user=emails[role])
        assert reply.status == row.expected[role], (row.method, path, role, reply.body)
        if reply.status >= 400:
            refusals += 1
            assert reply.error_code, (row.method, path, role, reply.body)
            assert _qc_observe(api, booking) == before, (row.method, path, role)
    assert refusals == sum(status >= 400 for status in row.expected.values())


# --- The admin console: admins only. The "owner" is the party an action is about (the
# reported talent's owner, the user suspended); nobody but an admin learns anything.


@dataclass
class AdminWorld:
    talent: str
    owner_id: str
    report: str
    export: str


def _admin_world(api: JsonClient) -> AdminWorld:
    talent = create_talent(api, OWNER)
    report = api.post(
        "/v1/reports",
        as_user=OTHER,
        json_body={"target": {"type": "talent", "id": talent["id"]}, "reason": "spam"},
    ).body
    export = api.post(
        "/v1/admin/exports",
        as_user=ADMIN_EMAIL,
        json_body={"kind": "audit", "from": "2026-11-01", "to": "2026-11-02"},
    ).body
    return AdminWorld(talent["id"], talent["user_id"], report["id"], export["id"])


def _admin_only(status: int) -> dict[str, int]:
    return {"anonymous": 401, "other": 403, "owner": 403, "admin": status}


ADMIN_ROWS = [
    Row("GET", "/v1/admin/reports?state=open", _admin_only(200)),
    Row(
        "POST",
        "/v1/admin/reports/{report}/decide",
        _admin_only(200),
        {"action": "dismiss", "note": "fine"},
    ),
    Row("GET", "/v1/admin/users?q=owner", _admin_only(200)),
    Row("POST", "/v1/admin/users/{owner_id}/suspend", _admin_only(200), {"reason": "abuse"}),
    # Not suspended: the admin's 409 changes nothing either.
    Row("POST", "/v1/admin/users/{owner_id}/unsuspend", _admin_only(409), {"reason": "ok"}),
    Row("POST", "/v1/admin/users/{owner_id}/roles", _admin_only(200), {"add": ["admin"]}),
    Row("GET", "/v1/admin/audit", _admin_only(200)),
    Row("GET", "/v1/admin/dashboard?from=2026-11-01&to=2026-11-30", _admin_only(200)),
    Row(
        "POST",
        "/v1/admin/exports",
        _admin_only(202),
        {"kind": "payments", "from": "2026-11-01", "to": "2026-11-30"},
    ),
    Row("GET", "/v1/admin/exports/{export}", _admin_only(200)),
]
ADMIN_ORDER = ("anonymous", "other", "owner", "admin")


def _admin_observe(api: JsonClient, world: AdminWorld) -> Any:
    reads = (
        "/v1/admin/audit?limit=100",
        "/v1/admin/reports?state=open",
        f"/v1/admin/exports/{world.export}",
        f"/v1/talent/{world.talent}",
        "/v1/admin/users?q=owner",
    )
    return [_stable(api.get(path, as_user=ADMIN_EMAIL).body) for path in reads]


@pytest.mark.parametrize("row", ADMIN_ROWS, ids=[f"{r.method} {r.path}" for r in ADMIN_ROWS])
def test_admin_console(api: JsonClient, row: Row) -> None:
    world = _admin_world(api)
    path = row.path.format(**vars(world))
    for role in ADMIN_ORDER:
        before = _admin_observe(api, world)
        reply = api.request(row.method, path, json_body=row.body, as_user=EMAILS[role])
        assert reply.status == row.expected[role], (row.method, path, role, reply.body)
        if reply.status >= 400:
            assert reply.error_code, (row.method, path, role, reply.body)
            assert _admin_observe(api, world) == before, (row.method, path, role)
