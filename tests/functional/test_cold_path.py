"""What a cold Lambda loads to serve its first request (bench/cold_start.py times it).

A fresh interpreter imports the app and serves one anonymous `GET /v1/talent/{id}` through
the Lambda entry point; every module it loads is paid for by the first caller. Modules that
only other routes, writes or signed-in callers need must not be among them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.functional.factories import create_talent
from tests.support import JsonClient

ROOT = Path(__file__).resolve().parents[2]

_FIRST_REQUEST = """
import json, sys
import app
response = app.app(json.loads(sys.argv[1]), None)
from pydantic.plugin import _loader
sys.stdout.write(json.dumps({
    "response": response,
    "modules": sorted(sys.modules),
    "pydantic_plugins_scanned": _loader._plugins is not None,
}))
"""


def function_environment(stage: str = "prod") -> dict[str, str]:
    """The variables `chalice package` gives every function from .chalice/config.json."""
    config = json.loads((ROOT / ".chalice" / "config.json").read_text())
    variables = dict(config.get("environment_variables", {}))
    variables.update(config["stages"][stage].get("environment_variables", {}))
    return variables


# Each is loaded by something this request does not do.
NOT_ON_THE_READ_PATH = (
    "boto3",  # pynamodb talks to DynamoDB through botocore alone
    "jwt",  # anonymous: no token to verify
    "cryptography",
    "stripe",
    "aws_xray_sdk",  # tracing is off unless TRACING_ENABLED
    "ulid",  # ids are minted by writes
    "chalicelib.models.search_index",  # reindexing follows profile writes
    "chalicelib.models.search_queries",
    "chalicelib.domain.search",
    "chalicelib.domain.geo",
    "chalicelib.models.idempotency",  # Idempotency-Key is for writes
    "chalicelib.usecases.bookings",
    "chalicelib.domain.process_engine",  # the process engine and its tables serve transitions
    "chalicelib.domain.process_definitions",
    "chalicelib.domain.job_templates",
    "chalicelib.payments.registry",
)


def _event(talent_id: str) -> dict[str, Any]:
    return {
        "resource": "/v1/talent/{talent_id}",
        "path": f"/v1/talent/{talent_id}",
        "httpMethod": "GET",
        "headers": {"accept": "application/json"},
        "multiValueQueryStringParameters": None,
        "pathParameters": {"talent_id": talent_id},
        "stageVariables": None,
        "body": None,
        "isBase64Encoded": False,
        "requestContext": {
            "resourcePath": "/v1/talent/{talent_id}",
            "httpMethod": "GET",
            "path": f"/api/v1/talent/{talent_id}",
            "identity": {"sourceIp": "203.0.113.7"},
        },
    }


def test_the_first_anonymous_profile_read_loads_only_what_it_uses(api: JsonClient) -> None:
    talent = create_talent(api, "talent@example.com")
    result = subprocess.run(
        [sys.executable, "-c", _FIRST_REQUEST, json.dumps(_event(talent["id"]))],
        cwd=ROOT,
        env={**os.environ, **function_environment()},  # the stack's emulator and table
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    outcome = json.loads(result.stdout)
    response = outcome["response"]
    assert response["statusCode"] == 200, response
    assert json.loads(response["body"])["display_name"] == talent["display_name"]
    modules = set(outcome["modules"])
    assert {"app", "pynamodb", "chalicelib.models.talent"} <= modules
    loaded = [name for name in NOT_ON_THE_READ_PATH if name in modules]
    assert loaded == []
    # Looking for pydantic plugins reads the metadata of every installed distribution when
    # the first model is built; we have none.
    assert outcome["pydantic_plugins_scanned"] is False
