"""`chalice local` without the reloader, and with our API Gateway's gateway responses.

Run as `python -m devstack.api_server --port 8000` (the stack does, in a subprocess, with
the runtime environment set). It loads the app as `chalice local` does and serves it with
chalice's own local server classes, on threads.

Why not `chalice local` itself: its autoreload leaves a child behind, and its gateway
answers an unknown route with 403 "Missing Authentication Token", where ours (infra maps
the MISSING_AUTHENTICATION_TOKEN gateway response) answers 404 in the error envelope.
"""

from __future__ import annotations

import argparse
import functools
import importlib
import json
import os
import signal
import sys
import threading
import time
import uuid
from pathlib import Path
from types import FrameType
from typing import Any

from chalice.app import Chalice
from chalice.config import Config
from chalice.local import (
    ChaliceRequestHandler,
    LocalDevServer,
    LocalGateway,
    LocalGatewayException,
    RouteMatcher,
)

PARENT_CHECK_SECONDS = 1.0
SHUTDOWN_POLL_SECONDS = 0.1


class RouteNotFound(LocalGatewayException):
    CODE = 404


class ApiGatewayEmulator(LocalGateway):
    """LocalGateway plus the gateway responses infra configures on the real API."""

    def __init__(self, app_object: Chalice, config: Config) -> None:
        super().__init__(app_object, config)
        self._routes = RouteMatcher(list(app_object.routes))

    def handle_request(
        self, method: str, path: str, headers: dict[str, Any], body: bytes | None
    ) -> dict[str, Any]:
        try:
            self._routes.match_route(path)
        except ValueError:
            raise _not_found(path) from None
        response: dict[str, Any] = super().handle_request(method, path, headers, body)
        return response


def _not_found(path: str) -> RouteNotFound:
    request_id = str(uuid.uuid4())
    body = {
        "error": {
            "code": "NOT_FOUND",
            "message": f"no route for {path.split('?', 1)[0]}",
            "details": {},
        }
    }
    headers = {
        "Content-Type": "application/json",
        "x-amzn-RequestId": request_id,
        "x-amzn-ErrorType": "MissingAuthenticationTokenException",
        "X-Request-Id": request_id,
    }
    return RouteNotFound(headers, json.dumps(body).encode())


class GatewayRequestHandler(ChaliceRequestHandler):
    """chalice's handler, sharing one gateway (chalice builds one per request)."""

    def __init__(
        self,
        request: Any,
        client_address: Any,
        server: Any,
        *,
        app_object: Chalice,
        config: Config,
        gateway: ApiGatewayEmulator,
    ) -> None:
        self.local_gateway = gateway
        super(ChaliceRequestHandler, self).__init__(request, client_address, server)

    def __getattr__(self, name: str) -> Any:
        # http.server answers a method without a do_<METHOD> (TRACE, anything made up) with
        # a 501 HTML page; API Gateway answers those in our envelope. Every method goes
        # through the gateway, which refuses it as it refuses any method a route lacks.
        if name.startswith("do_") and name[3:].isalpha():
            return self._generic_handle
        raise AttributeError(name)


def load_app(project_dir: Path, environment_variables: dict[str, str]) -> Chalice:
    """What chalice's CLIFactory.load_chalice_app does: the project dir (and vendor/) on
    sys.path, the stage's environment variables applied, then `app.app`."""
    if str(project_dir) not in sys.path:
        sys.path.insert(0, str(project_dir))
    vendor = project_dir / "vendor"
    if vendor.is_dir() and str(vendor) not in sys.path:
        sys.path.append(str(vendor))
    for name, value in environment_variables.items():
        # The stack's environment names this stack's resources; it wins over config.json.
        os.environ.setdefault(name, value)
    app: Chalice = importlib.import_module("app").app
    return app


def build_config(project_dir: Path, stage: str) -> Config:
    config_file = project_dir / ".chalice" / "config.json"
    from_disk = json.loads(config_file.read_text()) if config_file.exists() else {}
    from_disk.setdefault("version", "2.0")
    from_disk.setdefault("app_name", "marketplace")
    params: dict[str, Any] = {"project_dir": str(project_dir)}
    config = Config(
        chalice_stage=stage,
        user_provided_params=params,
        config_from_disk=from_disk,
        default_params={"project_dir": str(project_dir), "api_gateway_stage": "api"},
    )
    # Lazy, as chalice does it, so the stage's environment is known before the import.
    params["chalice_app"] = functools.partial(load_app, project_dir, config.environment_variables)
    return config


def create_server(host: str, port: int, project_dir: Path, stage: str) -> LocalDevServer:
    from chalice.deploy.validate import validate_routes

    config = build_config(project_dir, stage)
    app = config.chalice_app
    validate_routes(app.routes)
    # chalice local also swaps the app's class for one with a thread-local current_request;
    # our Application keeps the request and the Lambda context per thread already.
    gateway = ApiGatewayEmulator(app, config)
    handler = functools.partial(GatewayRequestHandler, gateway=gateway)
    return LocalDevServer(app, config, host, port, handler_cls=handler)


def _stop_on_signals(server: LocalDevServer) -> None:
    def stop(signum: int, frame: FrameType | None) -> None:
        # shutdown() waits for serve_forever() to return: never from the serving thread.
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)


def _stop_when_orphaned(server: LocalDevServer) -> None:
    """If the stack dies without stopping us (SIGKILL), do not linger holding the port."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_SECONDS)
        server.shutdown()

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=int(os.environ.get("API_PORT", "8000")))
    parser.add_argument("--project-dir", type=Path, default=Path(__file__).resolve().parent.parent)
    parser.add_argument("--stage", default="local")
    args = parser.parse_args(argv)
    server = create_server(args.host, args.port, args.project_dir.resolve(), args.stage)
    _stop_on_signals(server)
    _stop_when_orphaned(server)
    print(f"Serving on http://{args.host}:{args.port}", flush=True)
    try:
        # LocalDevServer.serve_forever would poll for shutdown every 0.5 s.
        server.server.serve_forever(poll_interval=SHUTDOWN_POLL_SECONDS)
    finally:
        server.server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
