"""API Gateway's WebSocket API, for the local stack.

`chalice local` serves HTTP only, and moto's apigatewaymanagementapi records posts without
delivering them. This gateway does both halves the way API Gateway does:

- a WebSocket server (the `websockets` library; no hand-written framing) on `WS_PORT`:
  each connect, frame and disconnect calls the app's own `ws_connect`, `ws_message` and
  `ws_disconnect` handlers with API Gateway's event shape (`requestContext.routeKey`,
  `eventType`, `connectionId`, `queryStringParameters`, ...). A connect handler answering
  other than 2xx refuses the handshake with that status, as API Gateway does.
- the `@connections` management API on `WS_CONNECTIONS_PORT`: `POST /@connections/{id}`
  writes the body to that socket; an unknown id answers 410 `GoneException`, like AWS, so the
  app's cleanup of gone connections runs locally too. The app's apigatewaymanagementapi
  client points here through `WEBSOCKET_API_URL`.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import threading
import time
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from devstack import console
from devstack.lambda_runtime import FakeLambdaContext

Handler = Callable[[dict[str, Any], Any], Any]
API_ID = "local"
STAGE = "api"
SEND_TIMEOUT_SECONDS = 5.0


def _connection_id() -> str:
    # API Gateway's ids look like "L0SM9cOFvHcCIhw=": 10 random bytes, base64.
    return base64.b64encode(os.urandom(10)).decode()


def _now_ms() -> int:
    return int(time.time() * 1000)


class WebSocketGateway:
    def __init__(
        self,
        host: str,
        port: int,
        connections_port: int,
        handlers: dict[str, Handler],
        region: str,
    ) -> None:
        self.host, self.port, self.connections_port = host, port, connections_port
        self._handlers = handlers
        self._region = region
        self._sockets: dict[str, Any] = {}
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._started = threading.Event()
        self._thread = threading.Thread(target=self._run, name="ws-gateway", daemon=True)
        self._http = ThreadingHTTPServer((host, connections_port), _connections_handler(self))
        self._http.daemon_threads = True
        self._http_thread = threading.Thread(
            target=self._http.serve_forever, name="ws-connections", daemon=True
        )

    @property
    def url(self) -> str:
        return f"ws://{self.host}:{self.port}"

    @property
    def connections_url(self) -> str:
        return f"http://{self.host}:{self.connections_port}"

    # -- lifecycle ---------------------------------------------------------------------

    def start(self) -> None:
        self._http_thread.start()
        self._thread.start()
        if not self._started.wait(10):
            raise RuntimeError(f"the WebSocket gateway did not start on {self.url}")

    def stop(self) -> None:
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(timeout=5)
        self._http.shutdown()
        self._http.server_close()

    def _run(self) -> None:
        asyncio.run(self._serve())

    async def _serve(self) -> None:
        from websockets.asyncio.server import serve

        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        async with serve(self._connection, self.host, self.port, process_request=self._handshake):
            self._started.set()
            await self._stop.wait()

    # -- the API Gateway side ------------------------------------------------------------

    def _event(self, route: str, connection_id: str, **more: Any) -> dict[str, Any]:
        event_type = {"$connect": "CONNECT", "$disconnect": "DISCONNECT"}.get(route, "MESSAGE")
        return {
            "requestContext": {
                "routeKey": route,
                "eventType": event_type,
                "messageDirection": "IN",
                "connectionId": connection_id,
                "connectedAt": _now_ms(),
                "requestTimeEpoch": _now_ms(),
                "requestId": base64.b32encode(os.urandom(10)).decode(),
                "domainName": f"{self.host}:{self.port}",
                "stage": STAGE,
                "apiId": API_ID,
                "identity": {"sourceIp": "127.0.0.1"},
            },
            "isBase64Encoded": False,
            **more,
        }

    def _invoke(self, name: str, event: dict[str, Any]) -> dict[str, Any]:
        context = FakeLambdaContext(name, self._region, 30)
        result = self._handlers[name](event, context)
        return result if isinstance(result, dict) else {"statusCode": 200}

    async def _handshake(self, connection: Any, request: Any) -> Any:
        connection_id = _connection_id()
        query = parse_qs(urlsplit(request.path).query)
        headers = {name: value for name, value in request.headers.raw_items()}
        event = self._event(
            "$connect",
            connection_id,
            headers=headers,
            queryStringParameters={k: v[-1] for k, v in query.items()} or None,
            multiValueQueryStringParameters=query or None,
        )
        answer = await asyncio.to_thread(self._invoke, "ws_connect", event)
        status = int(answer.get("statusCode", 200))
        if not 200 <= status < 300:
            return connection.respond(HTTPStatus(status), f"{answer.get('body') or status}\n")
        connection.api_connection_id = connection_id
        return None

    async def _connection(self, connection: Any) -> None:
        connection_id: str = connection.api_connection_id
        with self._lock:
            self._sockets[connection_id] = connection
        try:
            async for frame in connection:
                body = frame if isinstance(frame, str) else frame.decode("utf-8", "replace")
                event = self._event("$default", connection_id, body=body)
                await asyncio.to_thread(self._invoke, "ws_message", event)
        except Exception as error:  # a dropped socket ends here; the disconnect still runs
            console.progress(f"websocket {connection_id} closed: {error}")
        finally:
            with self._lock:
                self._sockets.pop(connection_id, None)
            event = self._event(
                "$disconnect", connection_id, disconnectStatusCode=1000, disconnectReason=""
            )
            await asyncio.to_thread(self._invoke, "ws_disconnect", event)

    # -- the @connections management API ---------------------------------------------------

    def post(self, connection_id: str, data: bytes) -> bool:
        with self._lock:
            connection = self._sockets.get(connection_id)
        if connection is None or self._loop is None:
            return False
        text = data.decode("utf-8")
        future = asyncio.run_coroutine_threadsafe(connection.send(text), self._loop)
        try:
            future.result(timeout=SEND_TIMEOUT_SECONDS)
        except Exception:
            return False
        return True

    def close(self, connection_id: str) -> bool:
        with self._lock:
            connection = self._sockets.get(connection_id)
        if connection is None or self._loop is None:
            return False
        asyncio.run_coroutine_threadsafe(connection.close(), self._loop)
        return True


def _connections_handler(gateway: WebSocketGateway) -> type[BaseHTTPRequestHandler]:
    class ConnectionsHandler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            return

        def _connection_id(self) -> str | None:
            path = urlsplit(self.path).path
            prefix = "/@connections/"
            # boto3 may put the stage in front, as API Gateway's URL has it.
            index = path.find(prefix)
            return unquote(path[index + len(prefix) :]) if index >= 0 else None

        def _answer(self, status: int, body: dict[str, Any], error: str | None = None) -> None:
            raw = json.dumps(body).encode() if status != 204 else b""
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            if error:
                self.send_header("x-amzn-ErrorType", error)
            self.end_headers()
            self.wfile.write(raw)

        def _gone(self) -> None:
            self._answer(410, {"message": "Gone"}, "GoneException")

        def do_POST(self) -> None:
            connection_id = self._connection_id()
            length = int(self.headers.get("Content-Length") or 0)
            data = self.rfile.read(length)
            if connection_id is None:
                self._answer(404, {"message": "Not Found"})
            elif gateway.post(connection_id, data):
                self._answer(200, {})
            else:
                self._gone()

        def do_DELETE(self) -> None:
            connection_id = self._connection_id()
            if connection_id is not None and gateway.close(connection_id):
                self._answer(204, {})
            else:
                self._gone()

    return ConnectionsHandler
