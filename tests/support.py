"""Helpers shared by functional tests: a JSON client over chalice.test and the emulator."""

from __future__ import annotations

import json
import re
import socket
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from tests.issuer import FakeIssuer


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Reply:
    status: int
    body: Any
    headers: dict[str, str]
    raw: bytes

    @property
    def error_code(self) -> str | None:
        if isinstance(self.body, dict) and isinstance(self.body.get("error"), dict):
            return str(self.body["error"]["code"])
        return None


@lru_cache(maxsize=1)
def _route_table() -> list[tuple[re.Pattern[str], Any]]:
    """Every declared route as a path pattern; literal paths before templated ones, so
    `/v1/payments/providers` is not taken for `/v1/payments/{payment_id}`."""
    from chalicelib.web.router import ROUTES

    table = [
        (re.compile("^" + re.sub(r"\\{[^}]+\\}", "[^/]+", re.escape(spec.path)) + "$"), spec)
        for spec in ROUTES
    ]
    return sorted(table, key=lambda row: row[1].path.count("{"))


def route_for(method: str, path: str) -> Any:
    bare = path.split("?", 1)[0]
    for pattern, spec in _route_table():
        if spec.method == method.upper() and pattern.match(bare):
            return spec
    return None


@cache
def _validator(model_name: str) -> Any:
    import jsonschema

    from chalicelib.web.openapi import document

    schema = {"$ref": f"#/components/schemas/{model_name}", **document()}
    return jsonschema.Draft202012Validator(schema)


def check_contract(method: str, path: str, status: int, body: Any, content_type: str) -> None:
    """What the route declares in /v1/openapi.json is what it answers: a success status it
    lists, with a body that matches its response schema; any error in the envelope."""
    spec = route_for(method, path)
    if status >= 400:
        # No route at all is the gateway's answer (API Gateway's own responses, in infra/).
        if spec is not None:
            from chalicelib.schemas.common import ErrorEnvelope
            from chalicelib.web.openapi import component_name

            name = component_name(ErrorEnvelope, "serialization")
            errors = sorted(_validator(name).iter_errors(body), key=str)
            assert not errors, (method, path, status, body, [e.message for e in errors])
        return
    assert spec is not None, f"{method} {path} answered {status} but is not a declared route"
    assert status in spec.success_statuses, (method, path, status, spec.success_statuses)
    if status == 204:
        return
    media_type = content_type.split(";", 1)[0].strip()
    assert media_type in spec.produces, (method, path, content_type, spec.produces)
    if spec.response is None or media_type != "application/json":
        return
    from chalicelib.web.openapi import component_name

    name = component_name(spec.response, "serialization")
    errors = sorted(_validator(name).iter_errors(body), key=str)
    assert not errors, (method, path, status, [f"{list(e.path)}: {e.message}" for e in errors])


class JsonClient:
    """Calls the app through chalice.test (the same Lambda entry point API Gateway uses)."""

    def __init__(self, http: Any, issuer: FakeIssuer, *, check_contract: bool = True) -> None:
        self._http = http
        self.issuer = issuer
        # Every answer is held to the route's declaration, so OpenAPI and payloads cannot drift.
        self.check_contract = check_contract

    def auth(self, email: str, **options: Any) -> dict[str, str]:
        return self.issuer.headers(email, **options)

    def request(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        body: bytes | str | None = None,
        headers: dict[str, str] | None = None,
        as_user: str | None = None,
    ) -> Reply:
        all_headers = {"Content-Type": "application/json"}
        if as_user is not None:
            all_headers.update(self.auth(as_user))
        all_headers.update(headers or {})
        if json_body is not None:
            body = json.dumps(json_body)
        response = self._http.request(method, path, headers=all_headers, body=body or b"")
        raw = response.body or b""
        try:
            parsed = json.loads(raw) if raw else None
        except ValueError:
            parsed = raw.decode(errors="replace")
        headers = dict(response.headers)
        if self.check_contract:
            content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
            check_contract(method, path, response.status_code, parsed, content_type)
        return Reply(response.status_code, parsed, headers, raw)

    def get(self, path: str, **options: Any) -> Reply:
        return self.request("GET", path, **options)

    def post(self, path: str, **options: Any) -> Reply:
        return self.request("POST", path, **options)

    def put(self, path: str, **options: Any) -> Reply:
        return self.request("PUT", path, **options)

    def patch(self, path: str, **options: Any) -> Reply:
        return self.request("PATCH", path, **options)

    def delete(self, path: str, **options: Any) -> Reply:
        return self.request("DELETE", path, **options)
