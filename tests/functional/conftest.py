"""Functional tests: the real app (chalice.test) against a moto server holding the very
resources infra/ defines. Each test starts from an empty emulator."""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterator
from typing import Any

import pytest

from tests.deployed_env import deployed_identity
from tests.issuer import AUDIENCE, ISSUER, FakeIssuer
from tests.support import JsonClient, free_port

# Autouse: every functional test sees a deployed stage's required settings.
__all__ = ["deployed_identity"]

ADMIN_EMAIL = "admin@example.com"
UNREACHABLE_RATE_LIMITS = {
    "RATE_LIMIT_USER_BURST": "1000000",
    "RATE_LIMIT_IP_BURST": "1000000",
}


@pytest.fixture(scope="session")
def aws_endpoint() -> Iterator[str]:
    import logging

    from moto.server import ThreadedMotoServer
    from werkzeug.serving import WSGIRequestHandler

    from devstack.emulator import prepare_moto

    prepare_moto()
    # Keep-alive: HTTP/1.0 opened a connection (and a server thread) per request.
    WSGIRequestHandler.protocol_version = "HTTP/1.1"
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture(scope="session")
def base_resources(aws_endpoint: str) -> Any:
    """Every resource infra/ defines, created once per test process."""
    from infra.local import create_all

    return create_all(aws_endpoint, queue_visibility_timeout=1, max_receive_count=2)


@functools.cache
def _dynamodb(aws_endpoint: str) -> Any:
    """One low-level client per emulator for the fixtures' own table work (a client costs
    tens of milliseconds to create; a test process makes hundreds of tables)."""
    import boto3

    return boto3.client("dynamodb", endpoint_url=aws_endpoint)


@functools.cache
def _table_copy_definition(aws_endpoint: str, table_name: str) -> dict[str, Any]:
    table = _dynamodb(aws_endpoint).describe_table(TableName=table_name)["Table"]
    return {
        "AttributeDefinitions": table["AttributeDefinitions"],
        "KeySchema": table["KeySchema"],
        "GlobalSecondaryIndexes": [
            {k: index[k] for k in ("IndexName", "KeySchema", "Projection")}
            for index in table.get("GlobalSecondaryIndexes", [])
        ],
        "BillingMode": "PAY_PER_REQUEST",
    }


_table_counter = itertools.count()


@pytest.fixture
def stack(
    aws_endpoint: str, base_resources: Any, issuer: FakeIssuer, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Any]:
    """A clean slate per test: a fresh table with the infra definition. (Queues are shared:
    tests hand events to handlers directly rather than reading the queues.)"""
    from chalicelib import clients
    from chalicelib.auth import tokens
    from chalicelib.models.base import reset_connections
    from chalicelib.settings import reset_settings

    dynamodb = _dynamodb(aws_endpoint)
    table_name = f"{base_resources.table_name}-{next(_table_counter)}"
    dynamodb.create_table(
        TableName=table_name, **_table_copy_definition(aws_endpoint, base_resources.table_name)
    )
    monkeypatch.setenv("AWS_ENDPOINT_URL", aws_endpoint)
    monkeypatch.setenv("STAGE", "test")
    monkeypatch.setenv("JWT_ISSUER", ISSUER)
    monkeypatch.setenv("JWT_AUDIENCE", AUDIENCE)
    monkeypatch.setenv("JWKS_URL", "http://127.0.0.1:9/unused-in-functional-tests")
    monkeypatch.setenv("ADMIN_EMAILS", ADMIN_EMAIL)
    # Tests write fast as one user under a frozen clock; test_rate_limits.py sets small ones.
    for name, value in UNREACHABLE_RATE_LIMITS.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("CURSOR_SECRET", "functional-tests-cursor-secret")
    for name, value in base_resources.env().items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("TABLE_NAME", table_name)
    reset_settings()
    clients.reset()
    reset_connections()
    tokens.use_verifier(tokens.TokenVerifier(ISSUER, AUDIENCE, issuer.resolve))
    yield base_resources
    tokens.use_verifier(None)
    dynamodb.delete_table(TableName=table_name)
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
