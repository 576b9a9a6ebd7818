"""The local gateway answers every HTTP method as API Gateway does, in the error envelope:
TRACE, CONNECT-like and made-up methods included (it answered 501 HTML)."""

from __future__ import annotations

import functools
import http.client
import json
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from tests.support import free_port


@pytest.fixture
def gateway_url(stack: Any) -> Iterator[tuple[str, int]]:
    from chalice.config import Config
    from chalice.local import LocalDevServer

    import app
    from devstack.api_server import ApiGatewayEmulator, GatewayRequestHandler

    config = Config(chalice_stage="test", config_from_disk={"version": "2.0", "app_name": "t"})
    gateway = ApiGatewayEmulator(app.app, config)
    handler = functools.partial(GatewayRequestHandler, gateway=gateway)
    port = free_port()
    server = LocalDevServer(app.app, config, "127.0.0.1", port, handler_cls=handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield "127.0.0.1", port
    server.shutdown()
    thread.join(timeout=5)


def _call(where: tuple[str, int], method: str, path: str) -> tuple[int, str, Any]:
    connection = http.client.HTTPConnection(*where, timeout=10)
    try:
        connection.request(method, path)
        response = connection.getresponse()
        raw = response.read()
        return response.status, response.getheader("Content-Type") or "", raw
    finally:
        connection.close()


@pytest.mark.parametrize("method", ["TRACE", "PROPFIND", "BREW"])
@pytest.mark.parametrize("path", ["/v1/health", "/v1/no-such-route"])
def test_unknown_methods_answer_a_4xx_envelope(
    gateway_url: tuple[str, int], method: str, path: str
) -> None:
    status, content_type, raw = _call(gateway_url, method, path)

    assert 400 <= status < 500, (status, raw[:200])
    assert content_type.startswith("application/json"), (content_type, raw[:200])
    body = json.loads(raw)
    assert set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] in ("METHOD_NOT_ALLOWED", "NOT_FOUND")


def test_known_methods_still_work(gateway_url: tuple[str, int]) -> None:
    status, _, raw = _call(gateway_url, "GET", "/v1/health")
    assert (status, json.loads(raw)) == (200, {"status": "ok"})
