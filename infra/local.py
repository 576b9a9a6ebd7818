"""Create the resources of infra/resources.json in a local AWS emulator (moto server).

The template is interpreted, not deployed: each resource type maps to the boto3 calls that
create it, and a small resolver evaluates the intrinsic functions the template uses (Ref,
Fn::GetAtt, Fn::Sub). Every call is idempotent, so `create_all` can run on every start.

    python -m infra.local http://127.0.0.1:4566   # prints the env the app needs
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import graphlib
import json
import re
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chalicelib.resources import DLQ_SUFFIX, QUEUE_NAMES

RESOURCES_FILE = Path(__file__).resolve().parent / "resources.json"

# Parameters that have no default in the template (or a production one) get these locally.
LOCAL_PARAMETERS: dict[str, str] = {
    "Stage": "local",
    "SenderEmail": "no-reply@example.com",
    "PublicApiUrl": "https://api.localhost",  # the devstack sets the real one in the env
}

# Production-only resources: moto enforces no IAM or bucket policy, and `chalice local`
# stands in for API Gateway, so creating these locally would prove nothing.
SKIPPED_TYPES = frozenset(
    {
        "AWS::IAM::Role",
        "AWS::S3::BucketPolicy",
        "AWS::ApiGateway::GatewayResponse",
        # Alarms watch production metrics; locally the sweep's report and logs show them.
        "AWS::CloudWatch::Alarm",
    }
)

_SUB_VARIABLE = re.compile(r"\$\{(!?)([^}]+)\}")


@dataclass(frozen=True)
class LocalResources:
    table_name: str
    bucket: str
    bus_name: str
    queue_urls: dict[str, str]
    dlq_urls: dict[str, str]
    ses_sender: str

    def env(self) -> dict[str, str]:
        """The variables chalicelib.settings reads to find these resources."""
        env = {
            "TABLE_NAME": self.table_name,
            "MEDIA_BUCKET": self.bucket,
            "EVENT_BUS_NAME": self.bus_name,
            "SES_SENDER": self.ses_sender,
        }
        env.update({f"{name.upper()}_QUEUE_URL": url for name, url in self.queue_urls.items()})
        return env


class UnsupportedTemplateError(Exception):
    """resources.json uses something this interpreter does not implement (yet)."""


class Resolver:
    """Evaluates Ref, Fn::GetAtt and Fn::Sub against parameters and created resources."""

    def __init__(self, values: Mapping[str, Any]) -> None:
        self._refs: dict[str, Any] = dict(values)
        self._attributes: dict[str, dict[str, Any]] = {}

    def provide(self, logical_id: str, ref: Any, **attributes: Any) -> None:
        self._refs[logical_id] = ref
        self._attributes[logical_id] = attributes

    def ref(self, name: str) -> Any:
        if name not in self._refs:
            raise UnsupportedTemplateError(f"Ref {name!r}: no local value (skipped resource?)")
        return self._refs[name]

    def get_att(self, logical_id: str, attribute: str) -> Any:
        try:
            return self._attributes[logical_id][attribute]
        except KeyError:
            raise UnsupportedTemplateError(f"Fn::GetAtt {logical_id}.{attribute}") from None

    def resolve(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self.resolve(item) for item in value]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            ((key, argument),) = value.items()
            if key == "Ref":
                return self.ref(argument)
            if key == "Fn::GetAtt":
                logical_id, attribute = (
                    argument.split(".", 1) if isinstance(argument, str) else argument
                )
                return self.get_att(logical_id, attribute)
            if key == "Fn::Sub":
                return self._sub(argument)
            if key.startswith("Fn::"):
                raise UnsupportedTemplateError(key)
        return {key: self.resolve(item) for key, item in value.items()}

    def _sub(self, argument: str | list[Any]) -> str:
        text, variables = (argument, {}) if isinstance(argument, str) else argument
        resolved = {name: self.resolve(item) for name, item in variables.items()}

        def replace(match: re.Match[str]) -> str:
            literal, name = match.groups()
            if literal:
                return "${" + name + "}"
            if name in resolved:
                return str(resolved[name])
            if "." in name:
                return str(self.get_att(*name.split(".", 1)))
            return str(self.ref(name))

        return _SUB_VARIABLE.sub(replace, text)


class _Context:
    def __init__(
        self,
        endpoint_url: str,
        region: str,
        queue_visibility_timeout: int | None,
        max_receive_count: int | None,
    ) -> None:
        import boto3
        from botocore.config import Config

        # Fixed fake credentials: whatever the caller's environment holds (even real keys)
        # has no business being sent to an emulator.
        self._session = boto3.session.Session(
            aws_access_key_id="test", aws_secret_access_key="test", region_name=region
        )
        self._config = Config(
            connect_timeout=3,
            read_timeout=10,
            retries={"max_attempts": 2},
            s3={"addressing_style": "path"},
        )
        self._clients: dict[str, Any] = {}
        self.endpoint_url = endpoint_url
        self.region = region
        self.queue_visibility_timeout = queue_visibility_timeout
        self.max_receive_count = max_receive_count

    def client(self, service: str) -> Any:
        if service not in self._clients:
            self._clients[service] = self._session.client(
                service, endpoint_url=self.endpoint_url, config=self._config
            )
        return self._clients[service]


@dataclass(frozen=True)
class Created:
    """What Ref and Fn::GetAtt return for a resource, as CloudFormation defines them."""

    ref: Any
    attributes: dict[str, Any] = field(default_factory=dict)


Creator = Callable[[_Context, str, dict[str, Any]], Created]


def _only(properties: Mapping[str, Any], known: set[str], logical_id: str) -> None:
    # A property the interpreter would silently drop makes local behave unlike production.
    unknown = sorted(properties.keys() - known)
    if unknown:
        raise UnsupportedTemplateError(f"{logical_id}: properties not applied locally: {unknown}")


def _create_table(ctx: _Context, logical_id: str, props: dict[str, Any]) -> Created:
    # Durability settings (PITR, SSE, deletion protection) mean nothing in an emulator.
    local_only = {"PointInTimeRecoverySpecification", "SSESpecification"}
    local_only |= {"DeletionProtectionEnabled", "Tags"}
    applied = {"TableName", "BillingMode", "AttributeDefinitions", "KeySchema"}
    applied |= {"GlobalSecondaryIndexes", "TimeToLiveSpecification"}
    _only(props, applied | local_only, logical_id)
    dynamodb = ctx.client("dynamodb")
    name = props["TableName"]
    indexes = [
        {key: index[key] for key in ("IndexName", "KeySchema", "Projection")}
        for index in props.get("GlobalSecondaryIndexes", [])
    ]
    request = {key: props[key] for key in ("TableName", "AttributeDefinitions", "KeySchema")}
    request["BillingMode"] = props.get("BillingMode", "PAY_PER_REQUEST")
    if indexes:
        request["GlobalSecondaryIndexes"] = indexes
    with contextlib.suppress(dynamodb.exceptions.ResourceInUseException):
        dynamodb.create_table(**request)
    dynamodb.get_waiter("table_exists").wait(
        TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 30}
    )
    table = dynamodb.describe_table(TableName=name)["Table"]
    existing = {index["IndexName"] for index in table.get("GlobalSecondaryIndexes", [])}
    missing = {index["IndexName"] for index in indexes} - existing
    if missing:
        raise RuntimeError(f"table {name} exists without {sorted(missing)}: reset the emulator")
    ttl = props.get("TimeToLiveSpecification")
    if ttl and ttl.get("Enabled"):
        status = dynamodb.describe_time_to_live(TableName=name)["TimeToLiveDescription"]
        if status.get("TimeToLiveStatus") not in {"ENABLED", "ENABLING"}:
            dynamodb.update_time_to_live(
                TableName=name,
                TimeToLiveSpecification={"AttributeName": ttl["AttributeName"], "Enabled": True},
            )
    return Created(name, {"Arn": table["TableArn"]})


_QUEUE_ATTRIBUTES = (
    "DelaySeconds",
    "MaximumMessageSize",
    "MessageRetentionPeriod",
    "ReceiveMessageWaitTimeSeconds",
    "VisibilityTimeout",
    "SqsManagedSseEnabled",
    "RedrivePolicy",
    "RedriveAllowPolicy",
)


def _attribute_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return json.dumps(value)
    return str(value)


def _with_local_overrides(ctx: _Context, props: dict[str, Any]) -> dict[str, Any]:
    """Work queues (those with a DLQ) get the caller's shorter timings, so that a poison
    message is redriven within seconds instead of after 5 x 6 minutes."""
    if "RedrivePolicy" not in props:
        return props
    props = copy.deepcopy(props)
    if ctx.queue_visibility_timeout is not None:
        props["VisibilityTimeout"] = ctx.queue_visibility_timeout
    if ctx.max_receive_count is not None:
        props["RedrivePolicy"]["maxReceiveCount"] = ctx.max_receive_count
    return props


def _create_queue(ctx: _Context, logical_id: str, props: dict[str, Any]) -> Created:
    _only(props, {"QueueName", "Tags", *_QUEUE_ATTRIBUTES}, logical_id)
    props = _with_local_overrides(ctx, props)
    sqs = ctx.client("sqs")
    name = props["QueueName"]
    attributes = {key: _attribute_value(props[key]) for key in _QUEUE_ATTRIBUTES if key in props}
    try:
        url = sqs.get_queue_url(QueueName=name)["QueueUrl"]
        # create_queue refuses different attributes for an existing queue; set them instead.
        sqs.set_queue_attributes(QueueUrl=url, Attributes=attributes)
    except sqs.exceptions.QueueDoesNotExist:
        url = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    return Created(url, {"Arn": arn, "QueueName": name, "QueueUrl": url})


def _create_queue_policy(ctx: _Context, logical_id: str, props: dict[str, Any]) -> Created:
    _only(props, {"Queues", "PolicyDocument"}, logical_id)
    policy = json.dumps(props["PolicyDocument"])
    for url in props["Queues"]:
        ctx.client("sqs").set_queue_attributes(QueueUrl=url, Attributes={"Policy": policy})
    return Created(logical_id)


def _cors_rule(rule: Mapping[str, Any]) -> dict[str, Any]:
    # CloudFormation and the S3 API spell four of the CORS keys differently.
    renamed = {"Id": "ID", "ExposedHeaders": "ExposeHeaders", "MaxAge": "MaxAgeSeconds"}
    return {renamed.get(key, key): value for key, value in rule.items()}


def _lifecycle_rule(rule: Mapping[str, Any]) -> dict[str, Any]:
    known = {"Id", "Status", "Prefix", "AbortIncompleteMultipartUpload", "ExpirationInDays"}
    _only(rule, known, f"lifecycle rule {rule.get('Id')}")
    converted: dict[str, Any] = {
        "ID": rule["Id"],
        "Status": rule["Status"],
        "Filter": {"Prefix": rule.get("Prefix", "")},
    }
    if "AbortIncompleteMultipartUpload" in rule:
        converted["AbortIncompleteMultipartUpload"] = rule["AbortIncompleteMultipartUpload"]
    if "ExpirationInDays" in rule:
        converted["Expiration"] = {"Days": rule["ExpirationInDays"]}
    return converted


def _queue_notification(config: Mapping[str, Any]) -> dict[str, Any]:
    converted: dict[str, Any] = {"QueueArn": config["Queue"], "Events": [config["Event"]]}
    key_filter = config.get("Filter", {}).get("S3Key")
    if key_filter:
        converted["Filter"] = {"Key": {"FilterRules": key_filter["Rules"]}}
    return converted


def _put_public_access_block(s3: Any, bucket: str, value: dict[str, Any]) -> None:
    s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration=value)


def _put_ownership_controls(s3: Any, bucket: str, value: dict[str, Any]) -> None:
    s3.put_bucket_ownership_controls(Bucket=bucket, OwnershipControls=value)


def _put_encryption(s3: Any, bucket: str, value: dict[str, Any]) -> None:
    rules = [
        {"ApplyServerSideEncryptionByDefault": rule["ServerSideEncryptionByDefault"]}
        | {key: item for key, item in rule.items() if key != "ServerSideEncryptionByDefault"}
        for rule in value["ServerSideEncryptionConfiguration"]
    ]
    s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={"Rules": rules})


def _put_cors(s3: Any, bucket: str, value: dict[str, Any]) -> None:
    rules = [_cors_rule(rule) for rule in value["CorsRules"]]
    s3.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": rules})


def _put_lifecycle(s3: Any, bucket: str, value: dict[str, Any]) -> None:
    rules = [_lifecycle_rule(rule) for rule in value["Rules"]]
    s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": rules})


def _put_notifications(s3: Any, bucket: str, value: dict[str, Any]) -> None:
    _only(value, {"QueueConfigurations"}, f"{bucket} NotificationConfiguration")
    queues = [_queue_notification(config) for config in value["QueueConfigurations"]]
    # S3 sends an s3:TestEvent to the queue each time this is set; consumers skip it.
    s3.put_bucket_notification_configuration(
        Bucket=bucket, NotificationConfiguration={"QueueConfigurations": queues}
    )


_BUCKET_CONFIGURATION: dict[str, Callable[[Any, str, dict[str, Any]], None]] = {
    "PublicAccessBlockConfiguration": _put_public_access_block,
    "OwnershipControls": _put_ownership_controls,
    "BucketEncryption": _put_encryption,
    "CorsConfiguration": _put_cors,
    "LifecycleConfiguration": _put_lifecycle,
    "NotificationConfiguration": _put_notifications,
}


def _create_bucket(ctx: _Context, logical_id: str, props: dict[str, Any]) -> Created:
    _only(props, {"BucketName", "Tags", *_BUCKET_CONFIGURATION}, logical_id)
    s3 = ctx.client("s3")
    name = props["BucketName"]
    request: dict[str, Any] = {"Bucket": name}
    if ctx.region != "us-east-1":
        request["CreateBucketConfiguration"] = {"LocationConstraint": ctx.region}
    with contextlib.suppress(s3.exceptions.BucketAlreadyOwnedByYou):
        s3.create_bucket(**request)
    for key, put in _BUCKET_CONFIGURATION.items():
        if key in props:
            put(s3, name, props[key])
    return Created(name, {"Arn": f"arn:aws:s3:::{name}", "DomainName": name})


def _create_event_bus(ctx: _Context, logical_id: str, props: dict[str, Any]) -> Created:
    _only(props, {"Name", "Description", "Tags"}, logical_id)
    events = ctx.client("events")
    name = props["Name"]
    with contextlib.suppress(events.exceptions.ResourceAlreadyExistsException):
        events.create_event_bus(Name=name)
    arn = events.describe_event_bus(Name=name)["Arn"]
    return Created(name, {"Arn": arn, "Name": name})


def _create_rule(ctx: _Context, logical_id: str, props: dict[str, Any]) -> Created:
    known = {"Name", "Description", "EventBusName", "EventPattern", "State", "Targets"}
    _only(props, known, logical_id)
    events = ctx.client("events")
    name = props.get("Name", logical_id)
    bus = props.get("EventBusName", "default")
    rule: dict[str, Any] = {"Name": name, "EventBusName": bus, "State": props["State"]}
    rule["EventPattern"] = json.dumps(props["EventPattern"])
    if "Description" in props:
        rule["Description"] = props["Description"]
    arn = events.put_rule(**rule)["RuleArn"]
    if props.get("Targets"):
        events.put_targets(Rule=name, EventBusName=bus, Targets=props["Targets"])
    # CloudFormation's Ref of a rule on a custom bus is "<bus>|<rule>".
    return Created(f"{bus}|{name}", {"Arn": arn})


def _create_email_identity(ctx: _Context, logical_id: str, props: dict[str, Any]) -> Created:
    _only(props, {"EmailIdentity", "ConfigurationSetAttributes"}, logical_id)
    sesv2 = ctx.client("sesv2")
    identity = props["EmailIdentity"]
    # moto verifies at once; the SES v1 send_email the app uses accepts it as sender.
    with contextlib.suppress(sesv2.exceptions.AlreadyExistsException):
        sesv2.create_email_identity(EmailIdentity=identity)
    # The identity's default configuration set (bounce and complaint events) is recorded
    # by SES only; moto's sends do not consult it.
    return Created(identity)


def _create_topic(ctx: _Context, logical_id: str, props: dict[str, Any]) -> Created:
    _only(props, {"TopicName"}, logical_id)
    arn = ctx.client("sns").create_topic(Name=props["TopicName"])["TopicArn"]
    # CloudFormation's Ref of a topic is its ARN.
    return Created(arn, {"TopicArn": arn, "TopicName": props["TopicName"]})


def _create_subscription(ctx: _Context, logical_id: str, props: dict[str, Any]) -> Created:
    _only(props, {"Protocol", "TopicArn", "Endpoint", "RawMessageDelivery"}, logical_id)
    arn = ctx.client("sns").subscribe(
        TopicArn=props["TopicArn"], Protocol=props["Protocol"], Endpoint=props["Endpoint"]
    )["SubscriptionArn"]
    return Created(arn)


def _create_configuration_set(ctx: _Context, logical_id: str, props: dict[str, Any]) -> Created:
    _only(props, {"Name"}, logical_id)
    ses = ctx.client("ses")
    with contextlib.suppress(ses.exceptions.ConfigurationSetAlreadyExistsException):
        ses.create_configuration_set(ConfigurationSet={"Name": props["Name"]})
    return Created(props["Name"])


def _create_event_destination(ctx: _Context, logical_id: str, props: dict[str, Any]) -> Created:
    _only(props, {"ConfigurationSetName", "EventDestination"}, logical_id)
    destination = props["EventDestination"]
    _only(
        destination,
        {"Name", "Enabled", "MatchingEventTypes", "SnsDestination"},
        f"{logical_id} EventDestination",
    )
    ses = ctx.client("ses")
    with contextlib.suppress(ses.exceptions.EventDestinationAlreadyExistsException):
        ses.create_configuration_set_event_destination(
            ConfigurationSetName=props["ConfigurationSetName"],
            EventDestination={
                "Name": destination["Name"],
                "Enabled": destination["Enabled"],
                "MatchingEventTypes": destination["MatchingEventTypes"],
                "SNSDestination": {"TopicARN": destination["SnsDestination"]["TopicARN"]},
            },
        )
    return Created(destination["Name"])


CREATORS: dict[str, Creator] = {
    "AWS::DynamoDB::Table": _create_table,
    "AWS::SQS::Queue": _create_queue,
    "AWS::SQS::QueuePolicy": _create_queue_policy,
    "AWS::S3::Bucket": _create_bucket,
    "AWS::Events::EventBus": _create_event_bus,
    "AWS::Events::Rule": _create_rule,
    "AWS::SES::EmailIdentity": _create_email_identity,
    "AWS::SNS::Topic": _create_topic,
    "AWS::SNS::Subscription": _create_subscription,
    "AWS::SES::ConfigurationSet": _create_configuration_set,
    "AWS::SES::ConfigurationSetEventDestination": _create_event_destination,
}


def _references(value: Any) -> Iterator[str]:
    if isinstance(value, list):
        for item in value:
            yield from _references(item)
    elif isinstance(value, dict):
        for key, argument in value.items():
            if key == "Ref":
                yield argument
            elif key == "Fn::GetAtt":
                yield argument.split(".", 1)[0] if isinstance(argument, str) else argument[0]
            elif key == "Fn::Sub":
                text = argument if isinstance(argument, str) else argument[0]
                for literal, name in _SUB_VARIABLE.findall(text):
                    if not literal:
                        yield name.split(".", 1)[0]
                yield from _references(argument if isinstance(argument, str) else argument[1])
            else:
                yield from _references(argument)


def creation_order(resources: Mapping[str, Any]) -> list[str]:
    graph: dict[str, set[str]] = {}
    for logical_id, resource in resources.items():
        depends_on = resource.get("DependsOn", [])
        found = {depends_on} if isinstance(depends_on, str) else set(depends_on)
        found.update(_references(resource.get("Properties", {})))
        graph[logical_id] = {name for name in found if name in resources}
    return list(graphlib.TopologicalSorter(graph).static_order())


def _parameter_values(template: Mapping[str, Any], overrides: Mapping[str, str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, parameter in template.get("Parameters", {}).items():
        value = overrides.get(name, LOCAL_PARAMETERS.get(name, parameter.get("Default")))
        if value is None:
            continue  # only an error if a created resource refers to it
        if parameter["Type"] == "CommaDelimitedList":
            values[name] = [item.strip() for item in str(value).split(",")]
        else:
            values[name] = value
    return values


def _single(template: Mapping[str, Any], resource_type: str) -> str:
    found: list[str] = [k for k, v in template["Resources"].items() if v["Type"] == resource_type]
    if len(found) != 1:
        raise UnsupportedTemplateError(f"expected one {resource_type}, found {found}")
    return found[0]


def _queue_urls(template: Mapping[str, Any], resolver: Resolver, suffix: str) -> dict[str, str]:
    by_name = {
        resource["Properties"]["QueueName"]: logical_id
        for logical_id, resource in template["Resources"].items()
        if resource["Type"] == "AWS::SQS::Queue"
    }
    return {key: resolver.ref(by_name[name + suffix]) for key, name in QUEUE_NAMES.items()}


def load_template(path: Path = RESOURCES_FILE) -> dict[str, Any]:
    template: dict[str, Any] = json.loads(path.read_text())
    return template


def create_all(
    endpoint_url: str,
    region: str = "us-east-1",
    *,
    queue_visibility_timeout: int | None = None,
    max_receive_count: int | None = None,
    parameters: Mapping[str, str] | None = None,
) -> LocalResources:
    """Create (or bring up to date) every resource of infra/resources.json in the emulator
    at endpoint_url. The two overrides apply to work queues only; see _with_local_overrides."""
    template = load_template()
    ctx = _Context(endpoint_url, region, queue_visibility_timeout, max_receive_count)
    account = ctx.client("sts").get_caller_identity()["Account"]
    pseudo = {
        "AWS::AccountId": account,
        "AWS::Region": region,
        "AWS::Partition": "aws",
        "AWS::URLSuffix": "amazonaws.com",
        "AWS::StackName": "marketplace-local",
    }
    resolver = Resolver({**pseudo, **_parameter_values(template, parameters or {})})
    resources = template["Resources"]
    for logical_id in creation_order(resources):
        resource = resources[logical_id]
        if "Condition" in resource:
            raise UnsupportedTemplateError(f"{logical_id}: conditions")
        if resource["Type"] in SKIPPED_TYPES:
            continue
        creator = CREATORS.get(resource["Type"])
        if creator is None:
            raise UnsupportedTemplateError(f"{logical_id}: {resource['Type']}")
        created = creator(ctx, logical_id, resolver.resolve(resource.get("Properties", {})))
        resolver.provide(logical_id, created.ref, **created.attributes)
    return LocalResources(
        table_name=resolver.ref(_single(template, "AWS::DynamoDB::Table")),
        bucket=resolver.ref(_single(template, "AWS::S3::Bucket")),
        bus_name=resolver.ref(_single(template, "AWS::Events::EventBus")),
        queue_urls=_queue_urls(template, resolver, ""),
        dlq_urls=_queue_urls(template, resolver, DLQ_SUFFIX),
        ses_sender=resolver.ref(_single(template, "AWS::SES::EmailIdentity")),
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.local", description=__doc__)
    parser.add_argument("endpoint_url", help="the emulator, e.g. http://127.0.0.1:4566")
    parser.add_argument("--region", default="us-east-1")
    parser.add_argument("--queue-visibility-timeout", type=int)
    parser.add_argument("--max-receive-count", type=int)
    args = parser.parse_args(argv)
    created = create_all(
        args.endpoint_url,
        args.region,
        queue_visibility_timeout=args.queue_visibility_timeout,
        max_receive_count=args.max_receive_count,
    )
    sys.stdout.writelines(f"{key}={value}\n" for key, value in sorted(created.env().items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
