"""infra.local against a moto server of its own: the resources exist and behave as wired
(S3 -> media queue, bus -> notifications queue, redrive -> DLQ, table GSIs and TTL)."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import unquote_plus

import pytest

from infra.local import LocalResources, create_all

REGION = "us-east-1"
MAX_RECEIVE_COUNT = 2
VISIBILITY_TIMEOUT = 1


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AWS_ACCESS_KEY_ID", "test")
        patch.setenv("AWS_SECRET_ACCESS_KEY", "test")
        patch.setenv("AWS_DEFAULT_REGION", REGION)
        patch.setenv("AWS_EC2_METADATA_DISABLED", "true")
        patch.delenv("AWS_ENDPOINT_URL", raising=False)
        patch.delenv("AWS_PROFILE", raising=False)
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        server.start()
        try:
            yield f"http://127.0.0.1:{server._server.server_port}"
        finally:
            server.stop()


@pytest.fixture(scope="module")
def created(endpoint: str) -> tuple[LocalResources, LocalResources]:
    def create() -> LocalResources:
        return create_all(
            endpoint,
            REGION,
            queue_visibility_timeout=VISIBILITY_TIMEOUT,
            max_receive_count=MAX_RECEIVE_COUNT,
        )

    return create(), create()


@pytest.fixture(scope="module")
def resources(created: tuple[LocalResources, LocalResources]) -> LocalResources:
    return created[1]


@pytest.fixture(scope="module")
def aws(endpoint: str) -> Callable[[str], Any]:
    import boto3
    from botocore.config import Config

    session = boto3.session.Session(
        aws_access_key_id="test", aws_secret_access_key="test", region_name=REGION
    )
    config = Config(s3={"addressing_style": "path"})
    clients: dict[str, Any] = {}

    def client(service: str) -> Any:
        if service not in clients:
            clients[service] = session.client(service, endpoint_url=endpoint, config=config)
        return clients[service]

    return client


def wait_for_message(
    sqs: Any, queue_url: str, matches: Callable[[dict[str, Any]], bool], timeout: float = 10
) -> dict[str, Any]:
    """Receive until a message whose JSON body satisfies `matches` arrives; others are
    deleted so that they don't come back."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        response = sqs.receive_message(
            QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=1
        )
        for message in response.get("Messages", []):
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
            body: dict[str, Any] = json.loads(message["Body"])
            if matches(body):
                return body
    raise AssertionError(f"no matching message on {queue_url} within {timeout} s")


def test_create_all_twice_gives_the_same_resources(
    created: tuple[LocalResources, LocalResources],
) -> None:
    first, second = created
    assert first == second
    assert set(second.queue_urls) == set(second.dlq_urls)
    assert set(second.queue_urls) == {
        "webhooks",
        "payouts",
        "media",
        "notifications",
        "conversations",
        "email_feedback",
        "qc",
        "stats",
        "exports",
    }
    assert second.dlq_urls["media"].endswith("/marketplace-media-dlq")


def test_env_names_every_resource(resources: LocalResources) -> None:
    env = resources.env()
    assert env["TABLE_NAME"] == resources.table_name == "marketplace"
    assert env["MEDIA_BUCKET"] == resources.bucket
    assert env["EVENT_BUS_NAME"] == resources.bus_name == "marketplace"
    assert env["SES_SENDER"] == resources.ses_sender
    for name, url in resources.queue_urls.items():
        assert env[f"{name.upper()}_QUEUE_URL"] == url


def test_table_has_the_three_gsis_and_ttl(resources: LocalResources, aws: Any) -> None:
    dynamodb = aws("dynamodb")
    table = dynamodb.describe_table(TableName=resources.table_name)["Table"]
    indexes = {index["IndexName"]: index for index in table["GlobalSecondaryIndexes"]}
    assert set(indexes) == {"GSI1", "GSI2", "GSI3"}
    for name, index in indexes.items():
        keys = {key["KeyType"]: key["AttributeName"] for key in index["KeySchema"]}
        assert keys == {"HASH": f"{name}PK", "RANGE": f"{name}SK"}
        assert index["Projection"]["ProjectionType"] == "ALL"
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    ttl = dynamodb.describe_time_to_live(TableName=resources.table_name)["TimeToLiveDescription"]
    assert ttl == {"TimeToLiveStatus": "ENABLED", "AttributeName": "expires_at"}


def test_work_queues_carry_the_local_overrides(resources: LocalResources, aws: Any) -> None:
    sqs = aws("sqs")
    for name, url in resources.queue_urls.items():
        attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
        dlq = sqs.get_queue_attributes(QueueUrl=resources.dlq_urls[name], AttributeNames=["All"])[
            "Attributes"
        ]
        redrive = json.loads(attributes["RedrivePolicy"])
        assert redrive["deadLetterTargetArn"] == dlq["QueueArn"]
        assert int(redrive["maxReceiveCount"]) == MAX_RECEIVE_COUNT
        assert attributes["VisibilityTimeout"] == str(VISIBILITY_TIMEOUT)
        assert dlq["MessageRetentionPeriod"] == str(14 * 24 * 3600)


def test_object_created_in_the_bucket_reaches_the_media_queue(
    resources: LocalResources, aws: Any
) -> None:
    key = f"media/{uuid.uuid4()}"
    aws("s3").put_object(Bucket=resources.bucket, Key=key, Body=b"\xff\xd8\xff\xe0")

    def is_our_upload(body: dict[str, Any]) -> bool:
        # Setting up the notification first sends {"Event": "s3:TestEvent"}: skipped here.
        records = body.get("Records", [])
        # Keys arrive URL-encoded (moto even encodes "/"): consumers must unquote_plus them.
        return any(unquote_plus(r["s3"]["object"]["key"]) == key for r in records)

    body = wait_for_message(aws("sqs"), resources.queue_urls["media"], is_our_upload)
    (record,) = body["Records"]
    assert record["eventName"].startswith("ObjectCreated:")
    assert record["s3"]["bucket"]["name"] == resources.bucket


def test_bucket_is_private_encrypted_and_accepts_browser_uploads(
    resources: LocalResources, aws: Any
) -> None:
    s3 = aws("s3")
    block = s3.get_public_access_block(Bucket=resources.bucket)
    assert all(block["PublicAccessBlockConfiguration"].values())
    (cors,) = s3.get_bucket_cors(Bucket=resources.bucket)["CORSRules"]
    assert {"GET", "POST"} <= set(cors["AllowedMethods"])
    assert "ETag" in cors["ExposeHeaders"]
    encryption = s3.get_bucket_encryption(Bucket=resources.bucket)
    assert encryption["ServerSideEncryptionConfiguration"]["Rules"]
    rules = {
        r["ID"]: r for r in s3.get_bucket_lifecycle_configuration(Bucket=resources.bucket)["Rules"]
    }
    assert set(rules) == {"abort-incomplete-multipart-uploads", "expire-admin-exports"}
    assert rules["abort-incomplete-multipart-uploads"]["AbortIncompleteMultipartUpload"] == {
        "DaysAfterInitiation": 1
    }
    # Admin exports (CSV under exports/) are kept a week.
    exports = rules["expire-admin-exports"]
    assert exports["Filter"] == {"Prefix": "exports/"} and exports["Expiration"] == {"Days": 7}


def test_transitions_reach_the_stats_queue(resources: LocalResources, aws: Any) -> None:
    marker = str(uuid.uuid4())
    entries = [
        {
            "Source": "marketplace.test",
            "DetailType": detail_type,
            "Detail": json.dumps({"marker": marker, "type": detail_type}),
            "EventBusName": resources.bus_name,
        }
        for detail_type in ("message.created", "process.transition")
    ]
    assert aws("events").put_events(Entries=entries)["FailedEntryCount"] == 0

    def is_ours(body: dict[str, Any]) -> bool:
        return body.get("detail", {}).get("marker") == marker

    body = wait_for_message(aws("sqs"), resources.queue_urls["stats"], is_ours)
    assert body["detail-type"] == "process.transition"


def test_domain_events_reach_the_notifications_queue(resources: LocalResources, aws: Any) -> None:
    marker = str(uuid.uuid4())
    entries = [
        {
            "Source": source,
            "DetailType": detail_type,
            "Detail": json.dumps({"marker": marker, "source": source, "type": detail_type}),
            "EventBusName": resources.bus_name,
        }
        for source, detail_type in (
            ("other.service", "process.transition"),
            ("marketplace.test", "thread.read"),
            ("marketplace.test", "process.transition"),
        )
    ]
    result = aws("events").put_events(Entries=entries)
    assert result["FailedEntryCount"] == 0

    def is_ours(body: dict[str, Any]) -> bool:
        return body.get("detail", {}).get("marker") == marker

    body = wait_for_message(aws("sqs"), resources.queue_urls["notifications"], is_ours)
    # The rule matches the source prefix and the detail types the notifications table knows:
    # only the marketplace's transition is delivered (read receipts tell nobody).
    assert (body["source"], body["detail-type"]) == ("marketplace.test", "process.transition")
    again = (
        aws("sqs")
        .receive_message(QueueUrl=resources.queue_urls["notifications"], WaitTimeSeconds=1)
        .get("Messages", [])
    )
    assert not [m for m in again if is_ours(json.loads(m["Body"]))]


def test_ses_feedback_reaches_the_email_feedback_queue(resources: LocalResources, aws: Any) -> None:
    """SES publishes bounces and complaints to the topic its configuration set names; the
    topic's subscription delivers them to the queue the worker reads."""
    ses = aws("ses")
    (destination,) = ses.describe_configuration_set(
        ConfigurationSetName="marketplace", ConfigurationSetAttributeNames=["eventDestinations"]
    )["EventDestinations"]
    assert sorted(destination["MatchingEventTypes"]) == ["bounce", "complaint"]
    topic = destination["SNSDestination"]["TopicARN"]
    marker = str(uuid.uuid4())
    aws("sns").publish(TopicArn=topic, Message=json.dumps({"marker": marker}))

    def is_ours(body: dict[str, Any]) -> bool:
        return marker in str(body.get("Message", ""))

    body = wait_for_message(aws("sqs"), resources.queue_urls["email_feedback"], is_ours)
    assert json.loads(body["Message"]) == {"marker": marker}


def test_a_poison_message_ends_in_the_dlq(resources: LocalResources, aws: Any) -> None:
    sqs = aws("sqs")
    queue, dlq = resources.queue_urls["payouts"], resources.dlq_urls["payouts"]
    marker = str(uuid.uuid4())
    sqs.send_message(QueueUrl=queue, MessageBody=json.dumps({"type": "poison", "id": marker}))
    received = 0
    deadline = time.monotonic() + 10 * VISIBILITY_TIMEOUT * MAX_RECEIVE_COUNT
    # A consumer that always fails: receive, never delete, let the visibility timeout lapse.
    while received < MAX_RECEIVE_COUNT and time.monotonic() < deadline:
        messages = sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=1).get("Messages", [])
        received += sum(json.loads(m["Body"]).get("id") == marker for m in messages)
    assert received == MAX_RECEIVE_COUNT

    def is_ours(body: dict[str, Any]) -> bool:
        return body.get("id") == marker

    # The receive after the last allowed one moves the message instead of returning it.
    body = None
    while body is None and time.monotonic() < deadline:
        sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=1)
        response = sqs.receive_message(QueueUrl=dlq, MaxNumberOfMessages=10)
        bodies = [json.loads(m["Body"]) for m in response.get("Messages", [])]
        body = next((b for b in bodies if is_ours(b)), None)
    assert body == {"type": "poison", "id": marker}


def test_sender_identity_can_send(resources: LocalResources, aws: Any) -> None:
    ses = aws("ses")
    assert resources.ses_sender in ses.list_identities()["Identities"]
    ses.send_email(
        Source=resources.ses_sender,
        Destination={"ToAddresses": ["someone@example.com"]},
        Message={"Subject": {"Data": "hello"}, "Body": {"Text": {"Data": "hi"}}},
    )
