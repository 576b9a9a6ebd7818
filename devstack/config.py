"""Ports, paths and the runtime environment the local stack gives the app."""

from __future__ import annotations

import os
import socket
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from devstack import provider_config

PROJECT_DIR = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
REGION = "us-east-1"
STAGE = "local"

JWT_ISSUER = "https://dev-issuer.marketplace.local"
JWT_AUDIENCE = "marketplace-api"
ADMIN_EMAILS = ("admin@demo.local",)
LOCAL_SPA_ORIGINS = ("http://localhost:3000", "http://localhost:5173")

# Short, so that a poison message reaches its DLQ within seconds rather than minutes.
QUEUE_VISIBILITY_TIMEOUT_SECONDS = 2
MAX_RECEIVE_COUNT = 3

# Inherited settings that would point the app somewhere other than this stack's emulator.
_FOREIGN_AWS_VARIABLES = ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN")
_FOREIGN_AWS_PREFIXES = ("AWS_ENDPOINT_URL_",)


_DEVELOPER_VARIABLES = (
    "PUBLIC_API_URL",
    *(name for spec in provider_config.PROVIDERS.values() for name in spec.all),
)


class ConfigError(Exception):
    """The stack cannot start with this configuration; the message says what to change."""


@dataclass(frozen=True)
class StackConfig:
    api_port: int
    aws_port: int
    sandbox_port: int
    state_dir: Path
    ws_port: int = 8001
    ws_connections_port: int = 8002
    host: str = HOST
    region: str = REGION
    project_dir: Path = PROJECT_DIR
    # The developer's own provider settings (and PUBLIC_API_URL), captured once at start:
    # the stack later writes the sandbox's into os.environ, which must not read as theirs.
    developer_env: Mapping[str, str] = field(default_factory=dict)

    @property
    def api_url(self) -> str:
        return f"http://{self.host}:{self.api_port}"

    @property
    def aws_url(self) -> str:
        return f"http://{self.host}:{self.aws_port}"

    @property
    def sandbox_url(self) -> str:
        return f"http://{self.host}:{self.sandbox_port}"

    @property
    def ws_url(self) -> str:
        return f"ws://{self.host}:{self.ws_port}"

    @property
    def ws_connections_url(self) -> str:
        return f"http://{self.host}:{self.ws_connections_port}"

    @property
    def clock_file(self) -> Path:
        # One file per API port, so two stacks sharing a state dir never share a clock.
        return self.state_dir / f"clock-{self.api_port}"

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> StackConfig:
        ports = {
            name: _port(environ, name, default)
            for name, default in (
                ("API_PORT", 8000),
                ("AWS_PORT", 4566),
                ("SANDBOX_PORT", 8010),
                ("WS_PORT", 8001),
                ("WS_CONNECTIONS_PORT", 8002),
            )
        }
        if len(set(ports.values())) != len(ports):
            raise ConfigError(f"the ports must differ: {ports}")
        try:
            # Checked now, so a half-configured provider stops the start before anything runs.
            provider_config.resolve("http://sandbox.invalid", environ)
        except provider_config.ProviderConfigError as error:
            raise ConfigError(str(error)) from None
        state_dir = environ.get("DEVSTACK_STATE_DIR") or str(PROJECT_DIR / ".devstack")
        return cls(
            api_port=ports["API_PORT"],
            aws_port=ports["AWS_PORT"],
            sandbox_port=ports["SANDBOX_PORT"],
            ws_port=ports["WS_PORT"],
            ws_connections_port=ports["WS_CONNECTIONS_PORT"],
            state_dir=Path(state_dir).expanduser().resolve(),
            developer_env={
                name: environ[name] for name in _DEVELOPER_VARIABLES if environ.get(name)
            },
        )

    def payment_providers(self) -> tuple[dict[str, str], list[provider_config.ProviderMode]]:
        return provider_config.resolve(self.sandbox_url, self.developer_env)


def _port(environ: Mapping[str, str], name: str, default: int) -> int:
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not 0 < int(raw) < 65536:
        raise ConfigError(f"{name} must be a TCP port number, not {raw!r}")
    return int(raw)


def ensure_ports_free(config: StackConfig) -> None:
    """Fail before starting anything: a busy port usually means another `make run`."""
    busy = []
    for name, port in (
        ("API_PORT", config.api_port),
        ("AWS_PORT", config.aws_port),
        ("SANDBOX_PORT", config.sandbox_port),
        ("WS_PORT", config.ws_port),
        ("WS_CONNECTIONS_PORT", config.ws_connections_port),
    ):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind((config.host, port))
            except OSError:
                busy.append(f"{name}={port}")
    if busy:
        raise ConfigError(
            f"port(s) already in use: {', '.join(busy)}; is another stack running? "
            "Stop it, or choose other ports with API_PORT / AWS_PORT / SANDBOX_PORT / WS_PORT / "
            "WS_CONNECTIONS_PORT."
        )


def runtime_env(config: StackConfig, resources_env: Mapping[str, str]) -> dict[str, str]:
    """Everything the app reads from its environment when it runs on this stack."""
    env = {
        "STAGE": STAGE,
        "AWS_ENDPOINT_URL": config.aws_url,
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_DEFAULT_REGION": config.region,
        # settings prefer AWS_REGION when present, so an inherited one must not win.
        "AWS_REGION": config.region,
        "AWS_EC2_METADATA_DISABLED": "true",
        "JWKS_URL": f"{config.sandbox_url}/.well-known/jwks.json",
        "JWT_ISSUER": JWT_ISSUER,
        "JWT_AUDIENCE": JWT_AUDIENCE,
        "ADMIN_EMAILS": ",".join(ADMIN_EMAILS),
        "PLATFORM_CLOCK_FILE": str(config.clock_file),
        "POWERTOOLS_METRICS_DISABLED": "true",
        "POWERTOOLS_LOG_LEVEL": "WARNING",
        "API_URL": config.api_url,
        "SANDBOX_URL": config.sandbox_url,
        # Providers call back the API here (a tunnel's URL when a real provider is used).
        "PUBLIC_API_URL": config.developer_env.get("PUBLIC_API_URL", config.api_url),
        # The sandbox's settings, but for providers the developer configured for real.
        **config.payment_providers()[0],
        # The e2e suite writes fast as a few users from one address; a developer who wants
        # to see 429s sets smaller ones (README, configuration).
        "RATE_LIMIT_USER_BURST": "100000",
        "RATE_LIMIT_IP_BURST": "100000",
        # The API's own pages and a SPA's usual dev servers may take a payer back.
        "ALLOWED_RETURN_ORIGINS": ",".join(
            (config.api_url, config.sandbox_url, *LOCAL_SPA_ORIGINS)
        ),
        # The local WebSocket gateway's @connections API (devstack/ws_gateway.py).
        "WEBSOCKET_API_URL": config.ws_connections_url,
    }
    env.update(resources_env)
    return env


def apply_env(env: Mapping[str, str]) -> None:
    """Make this process look like the app's runtime: the pump and the sandbox run app code."""
    for name in list(os.environ):
        if name in _FOREIGN_AWS_VARIABLES or name.startswith(_FOREIGN_AWS_PREFIXES):
            del os.environ[name]
    os.environ.update(env)
    from chalicelib.settings import reset_settings

    reset_settings()
