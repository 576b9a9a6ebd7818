from __future__ import annotations

import json

from chalice.app import Response

from chalicelib.errors import ConflictError, RateLimitedError
from chalicelib.web.envelope import error_response, normalise


def test_domain_errors_render_in_the_envelope() -> None:
    response = error_response(ConflictError("slot taken", {"day": "2026-12-01"}))
    assert response.status_code == 409
    assert json.loads(response.body) == {
        "error": {"code": "CONFLICT", "message": "slot taken", "details": {"day": "2026-12-01"}}
    }


def test_rate_limited_carries_retry_after() -> None:
    response = error_response(RateLimitedError("slow down", retry_after_seconds=7))
    assert response.headers["Retry-After"] == "7"


def test_framework_errors_are_rewrapped() -> None:
    native = Response(
        body={"Code": "MethodNotAllowedError", "Message": "Unsupported method: DELETE"},
        status_code=405,
        headers={"Allow": "GET"},
    )
    response = normalise(native)
    assert response.status_code == 405
    assert response.headers["Allow"] == "GET"
    assert json.loads(response.body)["error"]["code"] == "METHOD_NOT_ALLOWED"


def test_framework_500_hides_the_details() -> None:
    native = Response(body={"Code": "InternalServerError", "Message": "boom"}, status_code=500)
    body = json.loads(normalise(native).body)
    assert body["error"]["code"] == "INTERNAL_ERROR"
    assert "boom" not in body["error"]["message"]


def test_success_and_enveloped_errors_pass_through() -> None:
    ok = Response(body={"Code": "not an error"}, status_code=200)
    assert normalise(ok) is ok
    enveloped = error_response(ConflictError("x"))
    assert normalise(enveloped) is enveloped
