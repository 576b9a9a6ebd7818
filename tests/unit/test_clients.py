"""Every AWS client of a process comes from one botocore session, so the service models
and endpoint rules are read once per process, not once per client."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from chalicelib import clients
from chalicelib.models import base
from chalicelib.settings import reset_settings


@pytest.fixture(autouse=True)
def _fresh_clients() -> Iterator[None]:
    reset_settings()
    clients.reset()
    base.reset_connections()
    yield
    clients.reset()
    base.reset_connections()
    reset_settings()


def test_boto3_clients_and_the_pynamodb_connection_share_one_botocore_session() -> None:
    sqs = clients.client("sqs")
    s3 = clients.client("s3")
    table = base.Item._get_connection()

    core = clients.botocore_session()
    assert base.connection().session is core
    assert table.connection.client is base.connection().client
    loader = core.get_component("data_loader")
    assert sqs._loader is loader
    assert s3._loader is loader


def test_clients_can_be_made_again_after_a_reset() -> None:
    # boto3 registers its S3 helpers on the botocore session it wraps; made twice on one
    # botocore session they raised "Cannot inject class attribute" on the second S3 client.
    first = clients.client("s3")
    clients.reset()
    second = clients.client("s3")

    assert first is not second
    assert hasattr(second, "upload_file")
