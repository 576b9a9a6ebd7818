"""infra.package.build_template on a stand-in for `chalice package` output (the shapes
chalice 1.34 writes), so the merge and patching are checked without a 20 s package run."""

from __future__ import annotations

import copy
import json
import re
from typing import Any

import pytest

from chalicelib.resources import QUEUE_NAMES
from infra.package import (
    ENVIRONMENT_METADATA,
    FUNCTION_ROLE,
    PackagingError,
    build_template,
    load_resources,
)

PLACEHOLDER_ROLE = "arn:aws:iam::000000000000:role/replaced-by-infra-package"


def _function(handler: str, events: dict[str, Any] | None = None) -> dict[str, Any]:
    properties: dict[str, Any] = {
        "Runtime": "python3.11",
        "Handler": handler,
        "CodeUri": "./deployment.zip",
        "Tags": {"aws-chalice": "version=1.34.0:stage=prod:app=marketplace"},
        "Tracing": "PassThrough",
        "Timeout": 60,
        "MemorySize": 512,
        "Architectures": ["x86_64"],
        "Role": PLACEHOLDER_ROLE,
    }
    if events:
        properties["Events"] = events
    return {"Type": "AWS::Serverless::Function", "Properties": properties}


def _camel(name: str) -> str:
    return "".join(part.title() for part in name.split("_"))


def chalice_output() -> dict[str, Any]:
    resources: dict[str, Any] = {}
    for key, queue in QUEUE_NAMES.items():
        logical_id = _camel(f"{key}_worker")
        resources[logical_id] = _function(
            f"app.{key}_worker",
            {
                f"{logical_id}SqsEventSource": {
                    "Type": "SQS",
                    "Properties": {
                        "Queue": {
                            "Fn::Sub": "arn:${AWS::Partition}:sqs:${AWS::Region}:"
                            "${AWS::AccountId}:" + queue
                        },
                        "BatchSize": 10,
                        "MaximumBatchingWindowInSeconds": 0,
                    },
                }
            },
        )
    resources["TimersSweep"] = _function(
        "app.timers_sweep",
        {"TimersSweepEvent": {"Type": "Schedule", "Properties": {"Schedule": "rate(1 minute)"}}},
    )
    resources["RestAPI"] = {
        "Type": "AWS::Serverless::Api",
        "Properties": {
            "EndpointConfiguration": "REGIONAL",
            "StageName": "api",
            "DefinitionBody": {
                "swagger": "2.0",
                "info": {"version": "1.0", "title": "marketplace"},
                "schemes": ["https"],
                "paths": {
                    "/v1/health": {
                        "get": {
                            "consumes": ["application/json"],
                            "produces": ["application/json"],
                            "responses": {"200": {"description": "200 response"}},
                            "x-amazon-apigateway-integration": {
                                "responses": {"default": {"statusCode": "200"}},
                                "uri": {
                                    "Fn::Sub": "arn:${AWS::Partition}:apigateway:${AWS::Region}"
                                    ":lambda:path/2015-03-31/functions/${APIHandler.Arn}"
                                    "/invocations"
                                },
                                "passthroughBehavior": "when_no_match",
                                "httpMethod": "POST",
                                "contentHandling": "CONVERT_TO_TEXT",
                                "type": "aws_proxy",
                            },
                        }
                    }
                },
                "definitions": {},
            },
        },
    }
    # `@app.on_ws_*` make chalice emit the WebSocket API (its functions are left out here).
    resources["WebsocketAPI"] = {
        "Type": "AWS::ApiGatewayV2::Api",
        "Properties": {
            "Name": "marketplaceWebsocketApi",
            "RouteSelectionExpression": "$request.body.action",
            "ProtocolType": "WEBSOCKET",
        },
    }
    api_handler = _function("app.app")
    api_handler["Properties"]["MemorySize"] = 1024
    resources["APIHandler"] = api_handler
    resources["APIHandlerInvokePermission"] = {
        "Type": "AWS::Lambda::Permission",
        "Properties": {
            "FunctionName": {"Ref": "APIHandler"},
            "Action": "lambda:InvokeFunction",
            "Principal": "apigateway.amazonaws.com",
            "SourceArn": {
                "Fn::Sub": [
                    "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}"
                    ":${RestAPIId}/*",
                    {"RestAPIId": {"Ref": "RestAPI"}},
                ]
            },
        },
    }
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Transform": "AWS::Serverless-2016-10-31",
        "Outputs": {
            "RestAPIId": {"Value": {"Ref": "RestAPI"}},
            "EndpointURL": {
                "Value": {
                    "Fn::Sub": "https://${RestAPI}.execute-api.${AWS::Region}.${AWS::URLSuffix}/api/"
                }
            },
        },
        "Resources": resources,
    }


def built(stage: str = "prod") -> dict[str, Any]:
    return build_template(chalice_output(), load_resources(), stage)


def functions(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        logical_id: resource
        for logical_id, resource in template["Resources"].items()
        if resource["Type"] == "AWS::Serverless::Function"
    }


def test_every_sqs_event_source_reads_the_infra_queue_and_reports_partial_failures() -> None:
    template = built()
    queue_ids = {
        r["Properties"]["QueueName"]: k
        for k, r in template["Resources"].items()
        if r["Type"] == "AWS::SQS::Queue"
    }
    seen = set()
    for function in functions(template).values():
        for event in function["Properties"].get("Events", {}).values():
            if event["Type"] != "SQS":
                continue
            queue = event["Properties"]["Queue"]
            assert queue["Fn::GetAtt"][1] == "Arn"
            seen.add(queue["Fn::GetAtt"][0])
            assert event["Properties"]["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert seen == {queue_ids[name] for name in QUEUE_NAMES.values()}


def test_every_function_uses_the_infra_role_name_and_environment() -> None:
    template = built("staging")
    environment = load_resources()["Metadata"][ENVIRONMENT_METADATA]
    assert template["Parameters"]["Stage"]["Default"] == "staging"
    names = set()
    for logical_id, function in functions(template).items():
        properties = function["Properties"]
        assert properties["Role"] == {"Fn::GetAtt": [FUNCTION_ROLE, "Arn"]}
        assert properties["Environment"]["Variables"] == environment
        name = properties["FunctionName"]["Fn::Sub"]
        assert name.startswith("marketplace-${Stage}-")
        names.add(name)
        log_group = template["Resources"][function["DependsOn"]]
        assert log_group["Type"] == "AWS::Logs::LogGroup"
        assert log_group["Properties"]["LogGroupName"] == {"Fn::Sub": f"/aws/lambda/{name}"}
        assert logical_id in function["DependsOn"]
    assert "marketplace-${Stage}-api" in names
    assert len(names) == len(functions(template))


def test_role_may_write_the_function_logs() -> None:
    template = built()
    (statement,) = [
        s
        for policy in template["Resources"][FUNCTION_ROLE]["Properties"]["Policies"]
        for s in policy["PolicyDocument"]["Statement"]
        if "logs:PutLogEvents" in s["Action"]
    ]
    assert statement["Resource"]["Fn::Sub"].endswith(
        ":log-group:/aws/lambda/marketplace-${Stage}-*:*"
    )


def test_schedule_from_app_schedule_is_kept() -> None:
    events = built()["Resources"]["TimersSweep"]["Properties"]["Events"]
    assert events["TimersSweepEvent"]["Properties"]["Schedule"] == "rate(1 minute)"


def test_gateway_responses_are_folded_into_the_api_definition() -> None:
    template = built()
    assert not [
        r for r in template["Resources"].values() if r["Type"].startswith("AWS::ApiGateway::")
    ]
    body = template["Resources"]["RestAPI"]["Properties"]["DefinitionBody"]
    responses = body["x-amazon-apigateway-gateway-responses"]
    assert responses["MISSING_AUTHENTICATION_TOKEN"]["statusCode"] == "404"
    assert "statusCode" not in responses["DEFAULT_5XX"]
    for response in responses.values():
        # Content-Type on all; THROTTLED also says when to retry (test_infra_limits.py).
        assert response["responseParameters"]["gatewayresponse.header.Content-Type"] == (
            "'application/json'"
        )
        assert set(response["responseTemplates"]) == {"application/json"}


def test_output_has_no_placeholder_metadata_or_account_ids() -> None:
    template = built()
    text = json.dumps(template)
    assert "Metadata" not in template
    assert PLACEHOLDER_ROLE not in text
    assert re.findall(r"(?<!\d)\d{12}(?!\d)", text) == []
    assert {"RestAPIId", "EndpointURL", "TableName", "MediaQueueUrl"} <= set(template["Outputs"])


def test_a_queue_infra_does_not_define_is_an_error() -> None:
    generated = chalice_output()
    event = generated["Resources"]["MediaWorker"]["Properties"]["Events"]
    event["MediaWorkerSqsEventSource"]["Properties"]["Queue"] = {
        "Fn::Sub": "arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:elsewhere"
    }
    with pytest.raises(PackagingError, match="elsewhere"):
        build_template(generated, load_resources(), "prod")


def test_a_logical_id_defined_twice_is_an_error() -> None:
    generated = chalice_output()
    generated["Resources"]["Table"] = copy.deepcopy(generated["Resources"]["TimersSweep"])
    with pytest.raises(PackagingError, match="Table"):
        build_template(generated, load_resources(), "prod")


def test_built_template_passes_cfn_lint() -> None:
    from cfnlint.api import lint

    matches = lint(json.dumps(built()))
    assert [str(match) for match in matches] == []
