"""One provider's sandbox, served in this process for driver tests, with a stand-in for the
API's webhook that records every callback the sandbox makes."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace
from typing import Any

from tests.support import free_port


@dataclass
class Callback:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Sandbox:
    url: str  # the sandbox's base URL
    api_url: str  # the stand-in API that receives callbacks
    callbacks: list[Callback] = field(default_factory=list)
    answer: bytes = b'{"received": true}'


class _Recorder(BaseHTTPRequestHandler):
    sandbox: Sandbox

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {name.lower(): value for name, value in self.headers.items()}
        self.server.sandbox.callbacks.append(Callback(self.path, headers, body))  # type: ignore[attr-defined]
        answer = self.server.sandbox.answer  # type: ignore[attr-defined]
        self.send_response(200)
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serve_provider(name: str) -> Iterator[Sandbox]:
    """The sandbox routes of provider `name` on a free port; the API stand-in on another."""
    import importlib

    from devstack.sandbox.server import SandboxServer

    module = importlib.import_module(f"devstack.sandbox.providers.{name}")
    api_port, sandbox_port = free_port(), free_port()
    sandbox = Sandbox(
        url=f"http://127.0.0.1:{sandbox_port}", api_url=f"http://127.0.0.1:{api_port}"
    )
    recorder = ThreadingHTTPServer(("127.0.0.1", api_port), _Recorder)
    recorder.sandbox = sandbox  # type: ignore[attr-defined]
    recorder_thread = threading.Thread(target=recorder.serve_forever, daemon=True)
    recorder_thread.start()
    context = SimpleNamespace(api_url=sandbox.api_url, sandbox_url=sandbox.url)
    server = SandboxServer("127.0.0.1", sandbox_port, context, modules=(module.register,))  # type: ignore[arg-type]
    server.start()
    try:
        yield sandbox
    finally:
        server.stop()
        recorder.shutdown()
        recorder.server_close()
