"""Helpers shared by functional tests: a JSON client over chalice.test and the emulator."""

from __future__ import annotations

import json
import socket
from dataclasses import dataclass
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


class JsonClient:
    """Calls the app through chalice.test (the same Lambda entry point API Gateway uses)."""

    def __init__(self, http: Any, issuer: FakeIssuer) -> None:
        self._http = http
        self.issuer = issuer

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
        return Reply(response.status_code, parsed, dict(response.headers), raw)

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
