"""The sandbox HTTP server. Each route module contributes routes through `register`: the
developer's levers (dev_routes) and each payment provider's simulated API (providers/)."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from devstack import console
from devstack.sandbox import dev_routes, providers
from devstack.sandbox.context import SandboxContext
from devstack.sandbox.http import HttpError, Request, Response, Router, envelope

RouteModule = Callable[[Router, SandboxContext], None]
ROUTE_MODULES: tuple[RouteModule, ...] = (dev_routes.register, *providers.route_modules())
MAX_BODY_BYTES = 1_048_576
SHUTDOWN_POLL_SECONDS = 0.1  # how soon serve_forever notices shutdown()
_QUIET_PATHS = frozenset({"/dev/health", "/.well-known/jwks.json"})


def build_router(context: SandboxContext, modules: Sequence[RouteModule]) -> Router:
    router = Router()
    for register in modules:
        register(router, context)
    return router


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    router: Router


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self._dispatch()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_GET

    def _dispatch(self) -> None:
        url = urlsplit(self.path)
        try:
            request = self._read_request(url.path, parse_qs(url.query))
            handler, request.params = self.server.router.resolve(self.command, url.path)
            result = handler(request)
            response = result if isinstance(result, Response) else Response(result)
        except HttpError as error:
            response = Response(
                envelope(error.code, error.message, error.details), status=error.status
            )
        except Exception as error:
            console.failure(f"sandbox: {self.command} {url.path} failed", error)
            response = Response(
                envelope("INTERNAL_ERROR", f"sandbox error: {type(error).__name__}"), status=500
            )
        self._send(response)
        if url.path not in _QUIET_PATHS or response.status >= 400:
            console.warn(f"sandbox: {self.command} {url.path} -> {response.status}")

    def _read_request(self, path: str, query: dict[str, list[str]]) -> Request:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY_BYTES:
            # The body stays unread, so this connection cannot be reused.
            self.close_connection = True
            raise HttpError(413, "PAYLOAD_TOO_LARGE", "request body too large")
        body = self.rfile.read(length) if length else b""
        headers = {name.lower(): value for name, value in self.headers.items()}
        return Request(self.command, path, query, headers, body)

    def _send(self, response: Response) -> None:
        payload = json.dumps(response.body).encode()
        self.send_response(response.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:
        """Requests are logged once, in `_dispatch`, with the status."""


class SandboxServer:
    def __init__(
        self,
        host: str,
        port: int,
        context: SandboxContext,
        modules: Sequence[RouteModule] = ROUTE_MODULES,
    ) -> None:
        self._server = _Server((host, port), _Handler)
        self._server.router = build_router(context, modules)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": SHUTDOWN_POLL_SECONDS},
            name="sandbox",
            daemon=True,
        )

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)
