"""Rules every endpoint shares: decoded path parameters, one effect per Idempotency-Key on
creating requests, and structured logs with a correlation id."""

from __future__ import annotations

import io
import json
from typing import Any

from tests.functional.factories import count_items, create_talent, talent_body
from tests.support import JsonClient


def test_path_parameters_are_url_decoded(api: JsonClient) -> None:
    talent = create_talent(api, "enc@example.com")
    # GIVEN the id with one character percent-encoded, as some clients send it
    encoded = "%" + format(ord(talent["id"][0]), "02X") + talent["id"][1:]
    reply = api.get(f"/v1/talent/{encoded}")
    assert reply.status == 200, reply.body
    assert reply.body["id"] == talent["id"]


def test_a_replayed_create_has_one_effect(api: JsonClient) -> None:
    headers = {"Idempotency-Key": "create-talent-1"}
    first = api.post(
        "/v1/talent", as_user="idem@example.com", json_body=talent_body(), headers=headers
    )
    again = api.post(
        "/v1/talent", as_user="idem@example.com", json_body=talent_body(), headers=headers
    )
    assert (first.status, again.status) == (201, 201)
    assert again.raw == first.raw
    assert count_items("talent") == 1


def test_a_replayed_upload_request_returns_the_same_upload(api: JsonClient) -> None:
    body = {"purpose": "avatar", "filename": "me.png", "content_type": "image/png", "size": 100}
    headers = {"Idempotency-Key": "upload-1"}
    first = api.post("/v1/media/uploads", as_user="up@example.com", json_body=body, headers=headers)
    again = api.post("/v1/media/uploads", as_user="up@example.com", json_body=body, headers=headers)
    assert first.body["media_id"] == again.body["media_id"]
    assert count_items("media") == 1


def test_requests_log_json_with_a_correlation_id(api: JsonClient) -> None:
    from chalicelib import observability

    log = observability.logger()
    handler = log.registered_handler
    buffer = io.StringIO()
    previous_stream, previous_level = handler.setStream(buffer), log.log_level
    log.setLevel("INFO")
    try:
        api.get("/v1/health", headers={"X-Request-Id": "trace-me-123"})
    finally:
        handler.setStream(previous_stream)
        log.setLevel(previous_level)
    lines = [json.loads(line) for line in buffer.getvalue().splitlines()]
    request_logs: list[dict[str, Any]] = [
        line for line in lines if line.get("message") == "request"
    ]
    assert request_logs, lines
    assert request_logs[-1]["correlation_id"] == "trace-me-123"
    assert request_logs[-1]["status"] == 200
    assert request_logs[-1]["route"] == "GET /v1/health"
