"""Lazy AWS clients. Nothing is created at import; tests swap clients with `override`."""

from __future__ import annotations

import threading
from typing import Any

from chalicelib.settings import get_settings

_clients: dict[str, Any] = {}
_lock = threading.Lock()


def client(service: str, endpoint_url: str | None = None) -> Any:
    """A cached boto3 client for `service`; endpoints come from AWS_ENDPOINT_URL* when set,
    or from `endpoint_url` for a service whose endpoint is per deployment (a WebSocket
    API's @connections)."""
    existing = _clients.get(service)
    if existing is not None:
        return existing
    with _lock:
        if service not in _clients:
            import boto3
            from botocore.config import Config

            config = Config(
                connect_timeout=3,
                read_timeout=10,
                retries={"max_attempts": 3, "mode": "standard"},
            )
            _clients[service] = boto3.session.Session().client(
                service, region_name=get_settings().region, config=config, endpoint_url=endpoint_url
            )
        return _clients[service]


def override(service: str, instance: Any) -> None:
    _clients[service] = instance


def reset() -> None:
    _clients.clear()
