"""Lazy AWS clients. Nothing is created at import; tests swap clients with `override`."""

from __future__ import annotations

import threading
from typing import Any

from chalicelib.settings import get_settings

_clients: dict[str, Any] = {}
# botocore's client creation is not thread-safe; every client (pynamodb's too) is made under it.
creation_lock = threading.RLock()
_botocore_session: Any = None
_boto3_session: Any = None


def botocore_session() -> Any:
    """One botocore session per process. A session's loader reads and caches the service
    models and endpoint rules (hundreds of KB of JSON); a client made from a fresh session
    re-read them, tens of milliseconds per client, on every cold start and in every test.
    pynamodb's connection makes its client from it too, without importing boto3."""
    global _botocore_session  # noqa: PLW0603 - one per process, made on first use
    with creation_lock:
        if _botocore_session is None:
            from botocore.session import get_session

            _botocore_session = get_session()
        return _botocore_session


def _boto3() -> Any:
    """The one boto3 session over it: each boto3 session registers its S3 helpers on the
    botocore session it wraps, and a second would register them twice (and fail)."""
    global _boto3_session  # noqa: PLW0603 - one per process, made on first use
    with creation_lock:
        if _boto3_session is None:
            import boto3

            _boto3_session = boto3.session.Session(botocore_session=botocore_session())
        return _boto3_session


def client(service: str, endpoint_url: str | None = None) -> Any:
    """A cached boto3 client for `service`; endpoints come from AWS_ENDPOINT_URL* when set,
    or from `endpoint_url` for a service whose endpoint is per deployment (a WebSocket
    API's @connections)."""
    existing = _clients.get(service)
    if existing is not None:
        return existing
    with creation_lock:
        if service not in _clients:
            from botocore.config import Config

            config = Config(
                connect_timeout=3,
                read_timeout=10,
                retries={"max_attempts": 3, "mode": "standard"},
            )
            _clients[service] = _boto3().client(
                service, region_name=get_settings().region, config=config, endpoint_url=endpoint_url
            )
        return _clients[service]


def override(service: str, instance: Any) -> None:
    _clients[service] = instance


def reset() -> None:
    _clients.clear()
