"""What benchmarks share: an in-process emulator holding the infra/ resources, the app behind
chalice.test, a token issuer, and a per-request count of DynamoDB calls from botocore events."""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.issuer import AUDIENCE, ISSUER, FakeIssuer  # noqa: E402
from tests.support import JsonClient, free_port  # noqa: E402


@dataclass(frozen=True)
class Call:
    """One DynamoDB request: its operation, the phase it was made in (see
    DynamoCallCounter.phase; "" outside any) and the item or partition it addressed."""

    operation: str
    phase: str
    target: str


def _target(params: Any) -> str:
    """The key a GetItem/PutItem/... addresses, or the partition (and index) a Query reads."""
    try:
        body = params.get("body") if isinstance(params, dict) else None
        request = json.loads(body) if isinstance(body, bytes | str) and body else {}
    except ValueError:
        return ""
    key = request.get("Key") or request.get("Item") or {}
    if "PK" in key:
        return "#".join(str(next(iter(key[k].values()))) for k in ("PK", "SK") if k in key)
    values = request.get("ExpressionAttributeValues") or {}
    if "KeyConditionExpression" in request and values:
        partition = str(next(iter(next(iter(values.values())).values())))
        index = request.get("IndexName")
        return f"{index}:{partition}" if index else partition
    return ""


class DynamoCallCounter:
    """Counts DynamoDB API calls made by any botocore session pynamodb or boto3 creates.

    `calls` counts operations; `log` keeps every call of the current measurement in order,
    with the phase (`with counter.phase("auth"): ...`) it was made in."""

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()
        self.log: list[Call] = []
        self._phase = ""

    def on_call(self, model: Any, params: Any = None, **_: Any) -> None:
        self.calls[model.name] += 1
        self.log.append(Call(model.name, self._phase, _target(params)))

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        outer, self._phase = self._phase, name
        try:
            yield
        finally:
            self._phase = outer

    def install(self) -> None:
        import botocore.session
        import pynamodb.connection.base as pynamodb_base

        original = botocore.session.get_session

        def counted_session(*args: Any, **kwargs: Any) -> Any:
            session = original(*args, **kwargs)
            session.register("before-call.dynamodb", self.on_call)
            return session

        pynamodb_base.get_session = counted_session  # type: ignore[attr-defined]
        # boto3 sessions (chalicelib.clients: the rate limiter's UpdateItem) come from here.
        botocore.session.get_session = counted_session

    @contextmanager
    def measure(self) -> Iterator[Counter[str]]:
        self.calls.clear()
        self.log.clear()
        result: Counter[str] = Counter()
        yield result
        result.update(self.calls)


@contextmanager
def local_app() -> Iterator[tuple[JsonClient, DynamoCallCounter, str]]:
    import logging

    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per emulator call otherwise
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    try:
        os.environ.update(
            {
                "AWS_ACCESS_KEY_ID": "test",
                "AWS_SECRET_ACCESS_KEY": "test",
                "AWS_DEFAULT_REGION": "us-east-1",
                "AWS_EC2_METADATA_DISABLED": "true",
                "AWS_ENDPOINT_URL": endpoint,
                "POWERTOOLS_METRICS_DISABLED": "true",
                "POWERTOOLS_LOG_LEVEL": "ERROR",
                "STAGE": "bench",
                "CURSOR_SECRET": "bench-cursor-secret",
                "JWT_ISSUER": ISSUER,
                "JWT_AUDIENCE": AUDIENCE,
                "JWKS_URL": "http://127.0.0.1:9/unused",
                "ADMIN_EMAILS": "admin@example.com",
                # The limiter still makes its one UpdateItem per request; it never refuses.
                "RATE_LIMIT_USER_BURST": "1000000",
                "RATE_LIMIT_IP_BURST": "1000000",
            }
        )
        from infra.local import create_all

        os.environ.update(create_all(endpoint).env())
        counter = DynamoCallCounter()
        counter.install()
        from chalice.test import Client

        import app
        from chalicelib.auth import tokens

        issuer = FakeIssuer()
        tokens.use_verifier(tokens.TokenVerifier(ISSUER, AUDIENCE, issuer.resolve))
        with Client(app.app) as client:
            yield JsonClient(client.http, issuer), counter, endpoint
    finally:
        server.stop()


def dump(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))
