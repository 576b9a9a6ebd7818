"""Starts the local stack in order and stops it in reverse, whatever point start reached.

A stop request (Ctrl-C, SIGTERM) only sets an event. Start checks it between steps and
while it waits, so it never has to unwind from an exception raised at a random point
inside a library (which may catch it, or leave a lock held).
"""

from __future__ import annotations

import importlib
import sys
import threading
import time
from collections.abc import Callable
from contextlib import ExitStack
from types import ModuleType
from typing import Any

from devstack import banner, config, console, provider_config, seed
from devstack.api_process import ApiProcess
from devstack.config import StackConfig
from devstack.emulator import AwsEmulator
from devstack.issuer import DevIssuer
from devstack.lambda_runtime import discover
from devstack.platform_clock import PlatformClock
from devstack.pump import EventPump
from devstack.sandbox.context import SandboxContext
from devstack.sandbox.server import SandboxServer
from devstack.ws_gateway import WebSocketGateway

API_START_TIMEOUT_SECONDS = 60.0
WS_HANDLERS = ("ws_connect", "ws_message", "ws_disconnect")


class StartCancelled(Exception):
    """A stop was requested while the stack was starting."""


class Stack:
    def __init__(self, stack_config: StackConfig, stop_requested: threading.Event) -> None:
        self.config = stack_config
        self.tokens: dict[str, str] = {}
        self._stop_requested = stop_requested
        self._cleanup = ExitStack()
        self._emulator = AwsEmulator(stack_config.host, stack_config.aws_port)
        self._clock = PlatformClock(stack_config.clock_file)
        self._api: ApiProcess | None = None
        self._pump: EventPump | None = None
        self._resources: Any = None

    def start(self) -> None:
        started = time.monotonic()
        # Said first, so a developer pointing at a real provider knows before anything runs.
        real = [m.name for m in self.config.payment_providers()[1] if m.real]
        console.progress(f"payment providers: real {', '.join(real) or 'none'}; the rest sandboxed")
        steps: list[Callable[[], None]] = [
            self._start_emulator,
            self._create_resources,
            self._start_api,
            self._start_sandbox_and_pump,
            self._start_ws_gateway,
            self._wait_for_api,
            self._seed,
        ]
        for step in steps:
            if self._stop_requested.is_set():
                raise StartCancelled
            step()
        print(banner.render(self.config, self.tokens), flush=True)
        print("\n".join(provider_config.describe(self.config.payment_providers()[1])), flush=True)
        print("", flush=True)
        console.progress(f"started in {time.monotonic() - started:.1f} s")

    def api_exit_code(self) -> int | None:
        return self._api.exit_code() if self._api else None

    def stop(self) -> None:
        # Everything winds down at once; the cleanup then waits for each part in reverse order.
        if self._api is not None:
            self._api.terminate()
        if self._pump is not None:
            self._pump.request_stop()
        self._cleanup.close()

    # -- steps -------------------------------------------------------------------------

    def _start_emulator(self) -> None:
        self.config.state_dir.mkdir(parents=True, exist_ok=True)
        console.progress(f"starting AWS emulator on {self.config.aws_url}")
        self._emulator.start()
        self._on_stop("AWS emulator", self._emulator.stop)

    def _create_resources(self) -> None:
        cfg = self.config
        console.progress("creating resources (table, queues + DLQs, bucket, bus, SES identity)")
        # Fake credentials and region first: a developer's AWS_PROFILE must not leak in.
        config.apply_env(config.runtime_env(cfg, {}))
        from infra.local import create_all

        self._resources = create_all(
            cfg.aws_url,
            region=cfg.region,
            queue_visibility_timeout=config.QUEUE_VISIBILITY_TIMEOUT_SECONDS,
            max_receive_count=config.MAX_RECEIVE_COUNT,
        )
        config.apply_env(config.runtime_env(cfg, self._resources.env()))
        self._clock.reset()

    def _start_api(self) -> None:
        # It boots in its own process while this one sets up the sandbox and the pump.
        cfg = self.config
        console.progress(f"starting API on {cfg.api_url}")
        self._api = ApiProcess(
            cfg.host, cfg.api_port, cfg.project_dir, config.runtime_env(cfg, self._resources.env())
        )
        self._api.start()
        self._on_stop("API", self._api.stop)

    def _start_sandbox_and_pump(self) -> None:
        cfg = self.config
        sqs_sources, scheduled_sources = discover(_import_app(cfg), config.STAGE)
        pump = self._pump = EventPump(
            _sqs_client(cfg),
            cfg.region,
            sqs_sources=sqs_sources,
            scheduled_sources=scheduled_sources,
            queue_urls=self._resources.queue_urls,
            dlq_urls=self._resources.dlq_urls,
        )
        console.progress(f"starting sandbox on {cfg.sandbox_url}")
        context = SandboxContext(
            issuer=DevIssuer.load_or_create(cfg.state_dir, config.JWT_ISSUER, config.JWT_AUDIENCE),
            pump=pump,
            emulator=self._emulator,
            clock=self._clock,
            api_url=cfg.api_url,
            sandbox_url=cfg.sandbox_url,
            resources=_describe(self._resources),
        )
        sandbox = SandboxServer(cfg.host, cfg.sandbox_port, context)
        sandbox.start()
        self._on_stop("sandbox", sandbox.stop)

        queues = ", ".join(source.name for source in sqs_sources) or "none"
        schedules = ", ".join(f"{s.name} ({s.expression})" for s in scheduled_sources) or "none"
        console.progress(f"starting event pump; queues: {queues}; schedules: {schedules}")
        pump.start()
        self._on_stop("event pump", pump.stop)

    def _start_ws_gateway(self) -> None:
        cfg = self.config
        app_module = _import_app(cfg)
        handlers = {name: getattr(app_module, name) for name in WS_HANDLERS}
        console.progress(f"starting WebSocket gateway on {cfg.ws_url}")
        gateway = WebSocketGateway(
            cfg.host, cfg.ws_port, cfg.ws_connections_port, handlers, cfg.region
        )
        gateway.start()
        self._on_stop("WebSocket gateway", gateway.stop)

    def _wait_for_api(self) -> None:
        assert self._api is not None
        console.progress("waiting for the API")
        deadline = time.monotonic() + API_START_TIMEOUT_SECONDS
        while not self._api.is_ready():
            if self._stop_requested.wait(0.1):
                raise StartCancelled
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"the API did not answer {self._api.url}/v1/health "
                    f"within {API_START_TIMEOUT_SECONDS:.0f} s"
                )

    def _seed(self) -> None:
        console.progress("seeding demo data")
        self.tokens = seed.run(self.config.api_url, self.config.sandbox_url)

    def _on_stop(self, name: str, stop: Callable[[], None]) -> None:
        def run() -> None:
            console.progress(f"stopping {name}")
            began = time.monotonic()
            try:
                stop()
            except Exception as error:
                console.failure(f"stopping {name} failed", error)
            console.progress(f"stopped {name} in {time.monotonic() - began:.2f} s")

        self._cleanup.callback(run)


def _import_app(cfg: StackConfig) -> ModuleType:
    """The app module, imported here too: the pump calls its handlers in this process."""
    if str(cfg.project_dir) not in sys.path:
        sys.path.insert(0, str(cfg.project_dir))
    return importlib.import_module("app")


def _sqs_client(cfg: StackConfig) -> Any:
    import boto3
    from botocore.config import Config

    # Pollers long-poll in parallel while drain checks run: more than the default 10.
    return boto3.session.Session().client(
        "sqs",
        region_name=cfg.region,
        endpoint_url=cfg.aws_url,
        config=Config(max_pool_connections=32, retries={"max_attempts": 3, "mode": "standard"}),
    )


def _describe(resources: Any) -> dict[str, Any]:
    return {
        "table_name": resources.table_name,
        "bucket": resources.bucket,
        "bus_name": resources.bus_name,
        "queue_urls": dict(resources.queue_urls),
        "dlq_urls": dict(resources.dlq_urls),
        "env": dict(resources.env()),
    }
