"""infra/resources.json agrees with the code that uses it: names, keys, indexes, wiring."""

from __future__ import annotations

import importlib
import json
import pkgutil
import re
from pathlib import Path
from typing import Any

import pytest

from chalicelib.resources import DLQ_SUFFIX, QUEUE_NAMES
from infra.package import ENVIRONMENT_METADATA, load_resources

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = load_resources()
RESOURCES: dict[str, Any] = TEMPLATE["Resources"]


def of_type(resource_type: str) -> dict[str, dict[str, Any]]:
    return {
        logical_id: resource["Properties"]
        for logical_id, resource in RESOURCES.items()
        if resource["Type"] == resource_type
    }


QUEUES = of_type("AWS::SQS::Queue")
QUEUE_ID_BY_NAME = {props["QueueName"]: logical_id for logical_id, props in QUEUES.items()}
WORK_QUEUES = {
    logical_id: props
    for logical_id, props in QUEUES.items()
    if not props["QueueName"].endswith(DLQ_SUFFIX)
}


def lambda_timeout() -> int:
    config = json.loads((ROOT / ".chalice" / "config.json").read_text())
    timeout: int = config["lambda_timeout"]
    return timeout


def test_every_queue_the_code_names_is_defined_with_its_dlq() -> None:
    for name in QUEUE_NAMES.values():
        assert name in QUEUE_ID_BY_NAME
        assert name + DLQ_SUFFIX in QUEUE_ID_BY_NAME


def test_every_work_queue_redrives_to_its_own_dlq() -> None:
    assert set(WORK_QUEUES) == {QUEUE_ID_BY_NAME[name] for name in QUEUE_NAMES.values()}
    for props in WORK_QUEUES.values():
        redrive = props["RedrivePolicy"]
        dlq_id = QUEUE_ID_BY_NAME[props["QueueName"] + DLQ_SUFFIX]
        assert redrive["deadLetterTargetArn"] == {"Fn::GetAtt": [dlq_id, "Arn"]}
        assert redrive["maxReceiveCount"] == 5


def test_queue_timings_follow_the_lambda_guidance() -> None:
    for props in WORK_QUEUES.values():
        # AWS: at least six times the consumer function's timeout.
        assert props["VisibilityTimeout"] >= 6 * lambda_timeout()
        dlq = QUEUES[QUEUE_ID_BY_NAME[props["QueueName"] + DLQ_SUFFIX]]
        # A message keeps its original enqueue time in the DLQ: the DLQ must keep it longer.
        assert dlq["MessageRetentionPeriod"] == 14 * 24 * 3600
        assert dlq["MessageRetentionPeriod"] > props["MessageRetentionPeriod"]
    for props in QUEUES.values():
        assert props["SqsManagedSseEnabled"] is True


def _model_schemas() -> list[dict[str, Any]]:
    import chalicelib.models as models_package
    from chalicelib.models.base import Item

    for module in pkgutil.iter_modules(models_package.__path__):
        importlib.import_module(f"chalicelib.models.{module.name}")
    models, pending = [], [Item]
    while pending:
        model = pending.pop()
        models.append(model)
        pending.extend(model.__subclasses__())
    return [model._get_schema() for model in models]


def _keys(key_schema: list[dict[str, str]]) -> set[tuple[str, str]]:
    return {(key["AttributeName"], key["KeyType"]) for key in key_schema}


def test_table_keys_and_indexes_match_the_models() -> None:
    (table,) = of_type("AWS::DynamoDB::Table").values()
    template_indexes = {
        index["IndexName"]: (_keys(index["KeySchema"]), index["Projection"])
        for index in table["GlobalSecondaryIndexes"]
    }
    model_indexes: dict[str, Any] = {}
    for schema in _model_schemas():
        assert _keys(schema["key_schema"]) == _keys(table["KeySchema"])
        for index in schema["global_secondary_indexes"]:
            model_indexes[index["index_name"]] = (_keys(index["key_schema"]), index["projection"])
    assert template_indexes == model_indexes
    assert set(template_indexes) == {"GSI1", "GSI2", "GSI3"}
    assert all(projection == {"ProjectionType": "ALL"} for _, projection in model_indexes.values())
    defined = {d["AttributeName"]: d["AttributeType"] for d in table["AttributeDefinitions"]}
    used = {name for name, _ in _keys(table["KeySchema"])}
    for index in table["GlobalSecondaryIndexes"]:
        used |= {name for name, _ in _keys(index["KeySchema"])}
    assert set(defined) == used
    assert set(defined.values()) == {"S"}


def test_table_settings() -> None:
    (table,) = of_type("AWS::DynamoDB::Table").values()
    assert table["BillingMode"] == "PAY_PER_REQUEST"
    assert table["TimeToLiveSpecification"] == {"AttributeName": "expires_at", "Enabled": True}
    assert table["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True
    assert table["SSESpecification"]["SSEEnabled"] is True
    (logical_id,) = of_type("AWS::DynamoDB::Table")
    assert RESOURCES[logical_id]["DeletionPolicy"] == "Retain"


def test_ttl_attribute_is_the_models_ttl_attribute() -> None:
    from chalicelib.models.idempotency import IdempotencyItem

    (table,) = of_type("AWS::DynamoDB::Table").values()
    attribute = IdempotencyItem.get_attributes()["expires_at"]
    assert attribute.attr_name == table["TimeToLiveSpecification"]["AttributeName"]


def test_no_hard_coded_account_ids() -> None:
    text = json.dumps(TEMPLATE)
    assert re.findall(r"(?<!\d)\d{12}(?!\d)", text) == []


def test_media_bucket_is_private_and_notifies_the_media_queue() -> None:
    ((bucket_id, bucket),) = of_type("AWS::S3::Bucket").items()
    assert all(bucket["PublicAccessBlockConfiguration"].values())
    assert bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    (cors,) = bucket["CorsConfiguration"]["CorsRules"]
    assert {"GET", "POST"} <= set(cors["AllowedMethods"])
    rules = bucket["LifecycleConfiguration"]["Rules"]
    assert any("AbortIncompleteMultipartUpload" in rule for rule in rules)
    media_queue = QUEUE_ID_BY_NAME[QUEUE_NAMES["media"]]
    (notification,) = bucket["NotificationConfiguration"]["QueueConfigurations"]
    assert notification == {
        "Event": "s3:ObjectCreated:*",
        "Queue": {"Fn::GetAtt": [media_queue, "Arn"]},
        "Filter": {"S3Key": {"Rules": [{"Name": "prefix", "Value": "media/"}]}},
    }
    # S3 checks it may send to the queue when the notification is created.
    policies = of_type("AWS::SQS::QueuePolicy")
    policy_id = next(k for k, p in policies.items() if p["Queues"] == [{"Ref": media_queue}])
    assert policy_id in RESOURCES[bucket_id]["DependsOn"]
    (statement,) = policies[policy_id]["PolicyDocument"]["Statement"]
    assert statement["Principal"] == {"Service": "s3.amazonaws.com"}
    # The policy can't GetAtt the bucket (that would be a cycle), so it spells the name out.
    source = statement["Condition"]["ArnEquals"]["aws:SourceArn"]["Fn::Sub"]
    assert source == "arn:${AWS::Partition}:s3:::" + bucket["BucketName"]["Fn::Sub"]


def test_bus_rule_delivers_the_notification_tables_events_to_the_notifications_queue() -> None:
    from chalicelib.domain.notification_kinds import DETAIL_TYPES

    ((bus_id, bus),) = of_type("AWS::Events::EventBus").items()
    assert bus["Name"] == "marketplace"
    rules = of_type("AWS::Events::Rule")
    (rule_id,) = [k for k, r in rules.items() if r["Name"] == "marketplace-notifications"]
    rule = rules[rule_id]
    assert rule["EventBusName"] == {"Ref": bus_id}
    assert rule["EventPattern"] == {
        "source": [{"prefix": "marketplace"}],
        "detail-type": sorted(DETAIL_TYPES),
    }
    queue = QUEUE_ID_BY_NAME[QUEUE_NAMES["notifications"]]
    assert [target["Arn"] for target in rule["Targets"]] == [{"Fn::GetAtt": [queue, "Arn"]}]
    policies = of_type("AWS::SQS::QueuePolicy").values()
    policy = next(p for p in policies if p["Queues"] == [{"Ref": queue}])
    (statement,) = policy["PolicyDocument"]["Statement"]
    assert statement["Principal"] == {"Service": "events.amazonaws.com"}
    assert statement["Condition"]["ArnEquals"]["aws:SourceArn"] == {"Fn::GetAtt": [rule_id, "Arn"]}


def test_conversation_events_reach_the_conversations_queue() -> None:
    rules = of_type("AWS::Events::Rule")
    (rule_id,) = [k for k, r in rules.items() if r["Name"] == "marketplace-conversations"]
    rule = rules[rule_id]
    assert rule["EventPattern"] == {
        "source": [{"prefix": "marketplace"}],
        "detail-type": ["message.created", "thread.read", "process.transition"],
    }
    queue = QUEUE_ID_BY_NAME[QUEUE_NAMES["conversations"]]
    assert [target["Arn"] for target in rule["Targets"]] == [{"Fn::GetAtt": [queue, "Arn"]}]
    policies = of_type("AWS::SQS::QueuePolicy").values()
    policy = next(p for p in policies if p["Queues"] == [{"Ref": queue}])
    (statement,) = policy["PolicyDocument"]["Statement"]
    assert statement["Condition"]["ArnEquals"]["aws:SourceArn"] == {"Fn::GetAtt": [rule_id, "Arn"]}


def test_function_environment_wires_every_setting() -> None:
    environment = TEMPLATE["Metadata"][ENVIRONMENT_METADATA]
    expected = {
        "TABLE_NAME",
        "MEDIA_BUCKET",
        "EVENT_BUS_NAME",
        "SES_SENDER",
        "STAGE",
        "JWKS_URL",
        "JWT_ISSUER",
        "JWT_AUDIENCE",
        "ADMIN_EMAILS",
        "ADMIN_SUBJECTS",
        "ADMIN_GROUP",
        "ALLOWED_RETURN_ORIGINS",
        "PUBLIC_API_URL",
        "PAYMENT_PROVIDERS",
        "PLATFORM_FEE_BPS",
        "PAYOUT_HOLD_HOURS",
        "CURSOR_SECRET",
        "POWERTOOLS_SERVICE_NAME",
        "WEBSOCKET_API_URL",
    } | {f"{name.upper()}_QUEUE_URL" for name in QUEUE_NAMES}
    assert set(environment) == expected
    for value in environment.values():
        if isinstance(value, dict) and "Ref" in value:
            assert value["Ref"] in RESOURCES or value["Ref"] in TEMPLATE["Parameters"]
    # The WebSocket API is chalice's (from @app.on_ws_*), so it is named, not defined, here.
    assert environment["WEBSOCKET_API_URL"] == {
        "Fn::Sub": "https://${WebsocketAPI}.execute-api.${AWS::Region}.amazonaws.com/api"
    }
    for name, logical_id in (
        (f"{key.upper()}_QUEUE_URL", QUEUE_ID_BY_NAME[queue]) for key, queue in QUEUE_NAMES.items()
    ):
        assert environment[name] == {"Ref": logical_id}


def _role_statements() -> list[dict[str, Any]]:
    (role,) = of_type("AWS::IAM::Role").values()
    return [s for policy in role["Policies"] for s in policy["PolicyDocument"]["Statement"]]


def _granted(action: str) -> list[Any]:
    resources: list[Any] = []
    for statement in _role_statements():
        actions = statement["Action"]
        if action in ([actions] if isinstance(actions, str) else actions):
            found = statement["Resource"]
            resources.extend(found if isinstance(found, list) else [found])
    return resources


def test_role_is_scoped_to_our_resources() -> None:
    (table_id,) = of_type("AWS::DynamoDB::Table")
    for action in ("dynamodb:PutItem", "dynamodb:ConditionCheckItem", "dynamodb:Query"):
        assert {"Fn::GetAtt": [table_id, "Arn"]} in _granted(action)
        assert {"Fn::Sub": "${" + table_id + ".Arn}/index/*"} in _granted(action)
    # Every request path is a GetItem, Query or transaction: the role makes Scan impossible.
    assert _granted("dynamodb:Scan") == []
    for action in ("sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage"):
        granted = _granted(action)
        for logical_id in WORK_QUEUES:
            assert {"Fn::GetAtt": [logical_id, "Arn"]} in granted
    (bus_id,) = of_type("AWS::Events::EventBus")
    assert _granted("events:PutEvents") == [{"Fn::GetAtt": [bus_id, "Arn"]}]
    (bucket_id,) = of_type("AWS::S3::Bucket")
    assert _granted("s3:PutObject") == [{"Fn::Sub": "${" + bucket_id + ".Arn}/*"}]
    assert _granted("ses:SendEmail")
    for statement in _role_statements():
        actions = statement["Action"]
        for action in [actions] if isinstance(actions, str) else actions:
            assert "*" not in action
        if statement["Resource"] == "*":
            assert all(a.startswith("xray:") for a in statement["Action"])


GATEWAY_RESPONSES = {
    "MISSING_AUTHENTICATION_TOKEN": ("404", "NOT_FOUND"),
    "RESOURCE_NOT_FOUND": ("404", "NOT_FOUND"),
    "REQUEST_TOO_LARGE": ("413", "PAYLOAD_TOO_LARGE"),
    "UNSUPPORTED_MEDIA_TYPE": ("415", "UNSUPPORTED_MEDIA_TYPE"),
    "THROTTLED": ("429", "RATE_LIMITED"),
    "DEFAULT_4XX": (None, "VALIDATION_ERROR"),
    "DEFAULT_5XX": (None, "INTERNAL_ERROR"),
}


@pytest.mark.parametrize("response_type", sorted(GATEWAY_RESPONSES))
def test_gateway_responses_use_the_error_envelope(response_type: str) -> None:
    from chalicelib.errors import DomainError

    status, code = GATEWAY_RESPONSES[response_type]
    responses = of_type("AWS::ApiGateway::GatewayResponse").values()
    (props,) = [p for p in responses if p["ResponseType"] == response_type]
    assert props["RestApiId"] == {"Ref": "RestAPI"}
    assert props.get("StatusCode") == status
    assert props["ResponseParameters"]["gatewayresponse.header.Content-Type"] == (
        "'application/json'"
    )
    # $context.error.messageString is a JSON string literal once API Gateway fills it in.
    body = json.loads(
        props["ResponseTemplates"]["application/json"].replace(
            "$context.error.messageString", '"message from API Gateway"'
        )
    )
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    assert body["error"]["details"] == {}
    # Codes our own errors raise, or the framework answers mapped into the envelope.
    from chalicelib.web.envelope import _CHALICE_CODES

    known_codes = {cls.code for cls in _subclasses(DomainError)} | set(_CHALICE_CODES.values())
    assert code in known_codes


def _subclasses(cls: type) -> list[Any]:
    found, pending = [], [cls]
    while pending:
        current = pending.pop()
        found.append(current)
        pending.extend(current.__subclasses__())
    return found


def test_only_uploads_notify_the_validator() -> None:
    # Verified copies are written by the validator itself under another prefix: were they
    # to notify too, the validator would see its own copies as stray uploads.
    from chalicelib.models import keys

    bucket = next(
        r for r in load_resources()["Resources"].values() if r["Type"] == "AWS::S3::Bucket"
    )
    [config] = bucket["Properties"]["NotificationConfiguration"]["QueueConfigurations"]
    assert config["Filter"]["S3Key"]["Rules"] == [{"Name": "prefix", "Value": keys.UPLOAD_PREFIX}]
