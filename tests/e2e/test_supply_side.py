"""The supply side on the local stack, over HTTP: a talent publishes a profile, a service,
availability and portfolio media; uploads go through the presigned POST to the emulator's
S3 and are checked by the validator that the event pump runs."""

from __future__ import annotations

import struct
import uuid
import zlib
from typing import Any

import pytest
import requests

from tests.e2e.harness import RunningStack

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]


def _png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def _upload(devstack: RunningStack, token: str, filename: str, content: bytes) -> str:
    started = devstack.api(
        "POST",
        "/v1/media/uploads",
        token,
        json={
            "purpose": "portfolio",
            "filename": filename,
            "content_type": "image/png",
            "size": len(content),
        },
    )
    assert started.status_code == 201, started.text
    body = started.json()
    posted = requests.post(
        body["upload"]["url"],
        data=body["upload"]["fields"],
        files={"file": (filename, content)},
        timeout=30,
    )
    assert posted.status_code in (200, 201, 204), posted.text
    return str(body["media_id"])


def _drain(devstack: RunningStack) -> None:
    response = devstack.sandbox("POST", "/dev/drain")
    assert response.status_code == 200, response.text


def test_a_real_png_is_verified_and_a_lie_is_rejected(devstack: RunningStack) -> None:
    token = devstack.token()
    good = _upload(devstack, token, "show.png", _png())
    bad = _upload(devstack, token, "notes.png", b"just some text, not an image at all")
    _drain(devstack)

    verified = devstack.api("GET", f"/v1/media/{good}", token).json()
    assert verified["status"] == "verified", verified
    assert requests.get(verified["download_url"], timeout=30).content == _png()
    # Portfolio media is public once verified.
    assert devstack.api("GET", f"/v1/media/{good}").status_code == 200

    rejected = devstack.api("GET", f"/v1/media/{bad}", token).json()
    assert rejected["status"] == "rejected"
    assert rejected["reason"]
    assert rejected["download_url"] is None
    assert devstack.api("GET", f"/v1/media/{bad}").status_code == 404


def _create(
    devstack: RunningStack, token: str, path: str, body: dict[str, Any], method: str = "POST"
) -> Any:
    response = devstack.api(method, path, token, json=body)
    assert response.status_code in (200, 201), (path, response.text)
    return response.json()


def test_a_talent_publishes_and_a_customer_finds_it(devstack: RunningStack) -> None:
    talent_token, customer_token = devstack.token(), devstack.token()
    talent = _create(
        devstack,
        talent_token,
        "/v1/talent",
        {
            "display_name": f"E2E Performer {uuid.uuid4().hex[:6]}",
            "categories": ["dance.dabke"],
            "location": {"city": "Erbil", "country": "IQ", "lat": 36.19, "lng": 44.01},
            "timezone": "Asia/Baghdad",
        },
    )
    assert "talent" in devstack.api("GET", "/v1/me", talent_token).json()["roles"]
    service = _create(
        devstack,
        talent_token,
        f"/v1/talent/{talent['id']}/services",
        {
            "title": "Dabke troupe, 30 minutes",
            "category": "dance.dabke",
            "pricing": {"type": "fixed", "price": {"amount": 500000, "currency": "IQD"}},
        },
    )
    _create(
        devstack,
        talent_token,
        f"/v1/talent/{talent['id']}/availability",
        {"weekly": ["fri"], "days": [{"date": "2026-12-04", "available": False}]},
        method="PUT",
    )
    media_id = _upload(devstack, talent_token, "troupe.png", _png())
    _drain(devstack)
    _create(
        devstack,
        talent_token,
        f"/v1/talent/{talent['id']}/portfolio",
        {"title": "Troupe", "media_id": media_id},
    )

    # The customer sees all of it, and saves the talent once.
    profile = devstack.api("GET", f"/v1/talent/{talent['id']}", customer_token).json()
    assert [item["media_id"] for item in profile["portfolio"]] == [media_id]
    services = devstack.api("GET", f"/v1/talent/{talent['id']}/services").json()["items"]
    assert [s["id"] for s in services] == [service["id"]]
    days = devstack.api(
        "GET", f"/v1/talent/{talent['id']}/availability?from=2026-12-04&to=2026-12-11"
    ).json()["days"]
    assert [d["date"] for d in days if d["available"]] == ["2026-12-11"]
    for expected in (201, 200):
        assert (
            devstack.api("POST", f"/v1/me/saved/{talent['id']}", customer_token).status_code
            == expected
        )
    saved = devstack.api("GET", "/v1/me/saved", customer_token).json()["items"]
    assert [s["talent_id"] for s in saved] == [talent["id"]]


def test_demo_talent_is_seeded(devstack: RunningStack) -> None:
    token = devstack.token("talent@demo.local")
    me = devstack.api("GET", "/v1/me", token).json()
    assert "talent" in me["roles"]
    services = devstack.api("GET", f"/v1/talent/{me['talent_id']}/services").json()["items"]
    assert services
    assert devstack.api("GET", "/v1/categories").json()["items"]
