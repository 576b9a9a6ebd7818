"""A pass-through HTTP proxy in front of a provider's sandbox that answers chosen paths
itself: the provider's failures and undocumented answers, which the sandbox never gives,
reach the real driver over real sockets."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import requests

from tests.support import free_port


@dataclass
class FaultProxy:
    url: str
    upstream: str
    # path suffix -> (HTTP status, body): answered here instead of by the sandbox
    faults: dict[str, tuple[int, bytes]] = field(default_factory=dict)
    hits: list[str] = field(default_factory=list)
    bodies: list[tuple[str, bytes]] = field(default_factory=list)  # (path, request body)

    def fault_for(self, path: str) -> tuple[int, bytes] | None:
        bare = path.split("?", 1)[0]
        for suffix, answer in self.faults.items():
            if bare.endswith(suffix):
                return answer
        return None


class _Handler(BaseHTTPRequestHandler):
    proxy: FaultProxy

    def _relay(self) -> None:
        proxy: FaultProxy = self.server.proxy  # type: ignore[attr-defined]
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        proxy.hits.append(f"{self.command} {self.path}")
        proxy.bodies.append((self.path, body))
        fault = proxy.fault_for(self.path)
        if fault is not None:
            status, content = fault
            content_type = "application/json"
        else:
            headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
            answer = requests.request(
                self.command, proxy.upstream + self.path, data=body, headers=headers, timeout=10
            )
            status, content = answer.status_code, answer.content
            content_type = answer.headers.get("Content-Type", "application/json")
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        self.wfile.write(content)

    do_GET = do_POST = _relay

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def fault_proxy(upstream: str) -> Iterator[FaultProxy]:
    port = free_port()
    proxy = FaultProxy(url=f"http://127.0.0.1:{port}", upstream=upstream)
    server = ThreadingHTTPServer(("127.0.0.1", port), _Handler)
    server.proxy = proxy  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield proxy
    finally:
        server.shutdown()
        server.server_close()
