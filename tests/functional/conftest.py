"""Functional tests: the real app (chalice.test) against a moto server holding the very
resources infra/ defines. Each test starts from an empty emulator."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from tests.issuer import AUDIENCE, ISSUER, FakeIssuer
from tests.support import JsonClient, free_port

ADMIN_EMAIL = "admin@example.com"


@pytest.fixture(scope="session")
def aws_endpoint() -> Iterator[str]:
    import logging

    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def stack(aws_endpoint: str, issuer: FakeIssuer, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    from chalicelib import clients
    from chalicelib.auth import tokens
    from chalicelib.models.base import reset_connections
    from chalicelib.settings import reset_settings
    from infra.local import create_all

    requests.post(f"{aws_endpoint}/moto-api/reset", timeout=10)
    monkeypatch.setenv("AWS_ENDPOINT_URL", aws_endpoint)
    monkeypatch.setenv("STAGE", "test")
    monkeypatch.setenv("JWT_ISSUER", ISSUER)
    monkeypatch.setenv("JWT_AUDIENCE", AUDIENCE)
    monkeypatch.setenv("JWKS_URL", "http://127.0.0.1:9/unused-in-functional-tests")
    monkeypatch.setenv("ADMIN_EMAILS", ADMIN_EMAIL)
    resources = create_all(aws_endpoint, queue_visibility_timeout=1, max_receive_count=2)
    for name, value in resources.env().items():
        monkeypatch.setenv(name, value)
    reset_settings()
    clients.reset()
    reset_connections()
    tokens.use_verifier(tokens.TokenVerifier(ISSUER, AUDIENCE, issuer.resolve))
    yield resources
    tokens.use_verifier(None)
    clients.reset()
    reset_connections()
    reset_settings()


@pytest.fixture
def api(stack: Any, issuer: FakeIssuer) -> Iterator[JsonClient]:
    from chalice.test import Client

    import app

    with Client(app.app) as client:
        yield JsonClient(client.http, issuer)


@pytest.fixture
def lambdas(stack: Any) -> Iterator[Any]:
    """chalice.test's Lambda/event invoker for the app's SQS and schedule handlers."""
    from chalice.test import Client

    import app

    with Client(app.app) as client:
        yield client
