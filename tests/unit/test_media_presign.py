"""The presigned POST policy pins the key, the content type and the exact size.

moto enforces none of a POST policy, so the generated conditions are checked here."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest

from chalicelib import clients
from chalicelib.settings import reset_settings
from chalicelib.usecases import media

BUCKET = "unit-test-media"


@pytest.fixture
def s3(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.setenv("MEDIA_BUCKET", BUCKET)
    reset_settings()
    client = boto3.client(
        "s3", region_name="us-east-1", aws_access_key_id="test", aws_secret_access_key="test"
    )
    clients.override("s3", client)
    yield client
    clients.reset()
    reset_settings()


def _policy(post: dict[str, Any]) -> dict[str, Any]:
    decoded: dict[str, Any] = json.loads(base64.b64decode(post["fields"]["policy"]))
    return decoded


def test_policy_pins_key_type_and_exact_size(s3: Any) -> None:
    # WHEN a presigned POST is made for a 1234-byte PNG
    before = datetime.now(UTC)
    post = media.presigned_post("media/01JABCDEFGHJKMNPQRSTVWXYZ0", "image/png", 1234)
    policy = _policy(post)
    conditions = policy["conditions"]
    # THEN the policy allows that key only, that type only, and exactly that size
    assert {"key": "media/01JABCDEFGHJKMNPQRSTVWXYZ0"} in conditions
    assert {"Content-Type": "image/png"} in conditions
    assert ["content-length-range", 1234, 1234] in conditions
    assert {"bucket": BUCKET} in conditions
    ranges = [c for c in conditions if isinstance(c, list) and c[0] == "content-length-range"]
    assert ranges == [["content-length-range", 1234, 1234]]
    # AND no condition lets the key or type vary
    assert not [c for c in conditions if isinstance(c, list) and c[0] == "starts-with"]
    # AND it expires about 15 minutes from now
    expiration = datetime.fromisoformat(policy["expiration"].replace("Z", "+00:00"))
    assert before + timedelta(minutes=14) <= expiration <= datetime.now(UTC) + timedelta(minutes=16)


def test_fields_carry_the_key_and_type_the_policy_demands(s3: Any) -> None:
    post = media.presigned_post("media/X", "application/pdf", 99)
    assert post["fields"]["key"] == "media/X"
    assert post["fields"]["Content-Type"] == "application/pdf"
    assert BUCKET in post["url"]
    assert ["content-length-range", 99, 99] in _policy(post)["conditions"]
