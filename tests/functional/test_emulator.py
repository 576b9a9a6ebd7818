"""The emulator a test process shares across hundreds of tests: it must not keep what the
tests wrote after their tables are gone, and it reports sent emails without a state dump
(moto's data.json, which grew with every object ever created, once took over 10 s to build
late in a run and failed a notification test)."""

from __future__ import annotations

import uuid
from typing import Any

import boto3


def test_written_items_are_not_kept_by_moto_after_the_write(stack: Any) -> None:
    from moto.dynamodb.models.dynamo_type import Item as EmulatedItem
    from moto.sqs.models import Message as QueuedMessage

    from chalicelib.settings import get_settings

    table = get_settings().table_name
    client = boto3.client("dynamodb")
    for index in range(20):
        client.put_item(TableName=table, Item={"PK": {"S": f"memo#{index}"}, "SK": {"S": "x"}})
    sqs = boto3.client("sqs")
    queue_url = sqs.list_queues()["QueueUrls"][0]
    sqs.send_message(QueueUrl=queue_url, MessageBody="{}")

    got = client.get_item(TableName=table, Key={"PK": {"S": "memo#19"}, "SK": {"S": "x"}})
    assert got["Item"]["PK"]["S"] == "memo#19"
    assert EmulatedItem.instances_tracked == []  # type: ignore[attr-defined]
    assert QueuedMessage.instances_tracked == []  # type: ignore[attr-defined]


def test_sent_emails_are_read_from_the_ses_backend(stack: Any) -> None:
    from devstack.emulator import sent_emails

    reader = f"reader-{uuid.uuid4().hex}@example.com"
    plain_reader = f"plain-{uuid.uuid4().hex}@example.com"
    ses = boto3.client("ses")
    ses.verify_email_identity(EmailAddress="memory-test@example.com")
    raw = (
        f"From: memory-test@example.com\r\nTo: {reader}\r\n"
        "Subject: =?utf-8?b?2YXYsdit2KjYpw==?=\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        "hello\r\n"
    )
    ses.send_raw_email(
        Source="memory-test@example.com",
        Destinations=[reader],
        RawMessage={"Data": raw.encode()},
    )
    ses.send_email(
        Source="memory-test@example.com",
        Destination={"ToAddresses": [plain_reader]},
        Message={"Subject": {"Data": "plain"}, "Body": {"Text": {"Data": "body"}}},
    )

    raw_mail = [m for m in sent_emails() if m["to"] == [reader]]
    plain_mail = [m for m in sent_emails() if m["to"] == [plain_reader]]
    assert [(m["subject"], m["text"].strip()) for m in raw_mail] == [("مرحبا", "hello")]
    assert [(m["subject"], m["body"]) for m in plain_mail] == [("plain", "body")]
