"""What benchmarks share: an in-process emulator holding the infra/ resources, the app behind
chalice.test, a token issuer, and a per-request count of DynamoDB calls from botocore events."""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.issuer import AUDIENCE, ISSUER, FakeIssuer  # noqa: E402
from tests.support import JsonClient, free_port  # noqa: E402


class DynamoCallCounter:
    """Counts DynamoDB API calls made by any botocore session pynamodb or boto3 creates."""

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()

    def on_call(self, model: Any, **_: Any) -> None:
        self.calls[model.name] += 1

    def install(self) -> None:
        import botocore.session
        import pynamodb.connection.base as pynamodb_base

        original = botocore.session.get_session

        def counted_session(*args: Any, **kwargs: Any) -> Any:
            session = original(*args, **kwargs)
            session.register("before-call.dynamodb", self.on_call)
            return session

        pynamodb_base.get_session = counted_session  # type: ignore[attr-defined]

    @contextmanager
    def measure(self) -> Iterator[Counter[str]]:
        self.calls.clear()
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
                "JWT_ISSUER": ISSUER,
                "JWT_AUDIENCE": AUDIENCE,
                "JWKS_URL": "http://127.0.0.1:9/unused",
                "ADMIN_EMAILS": "admin@example.com",
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
