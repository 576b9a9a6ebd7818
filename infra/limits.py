"""Abuse limits that belong to AWS rather than to the app, added to the packaged template:

- API Gateway stage throttling: a steady rate and a burst for every method, and a lower
  pair for provider webhooks (public, unauthenticated), as the stage's MethodSettings;
  API Gateway answers above them with 429 (our envelope: the THROTTLED gateway response).
- Reserved concurrency per function (`Marketplace::ReservedConcurrency` in
  resources.json): a flood of one kind cannot take every Lambda slot in the account, and
  each function's ceiling bounds what it can make DynamoDB and the providers do. The
  `ReserveConcurrency` parameter turns reservations off for accounts with a small
  concurrency quota (AWS refuses reservations that leave fewer than 100 unreserved).
"""

from __future__ import annotations

from typing import Any

Template = dict[str, Any]

CONCURRENCY_METADATA = "Marketplace::ReservedConcurrency"
CONCURRENCY_CONDITION = "ReserveConcurrency"
DEFAULT_FUNCTION = "default"
REST_API = "RestAPI"
WEBHOOK_RESOURCE_PATH = "/v1/payments/webhook/{provider}"


def _escaped(resource_path: str) -> str:
    # MethodSettings name a resource path with each "/" written as "~1".
    return resource_path.replace("~", "~0").replace("/", "~1")


def stage_throttling() -> list[dict[str, Any]]:
    return [
        {
            "ResourcePath": "/*",
            "HttpMethod": "*",
            "ThrottlingRateLimit": {"Ref": "ApiThrottlingRateLimit"},
            "ThrottlingBurstLimit": {"Ref": "ApiThrottlingBurstLimit"},
        },
        {
            "ResourcePath": _escaped(WEBHOOK_RESOURCE_PATH),
            "HttpMethod": "POST",
            "ThrottlingRateLimit": {"Ref": "WebhookThrottlingRateLimit"},
            "ThrottlingBurstLimit": {"Ref": "WebhookThrottlingBurstLimit"},
        },
    ]


def apply_limits(template: Template, fragment: Template, short_names: dict[str, str]) -> None:
    """`short_names` maps each function's logical id to its short name (api, timers_sweep)."""
    resources = template["Resources"]
    api = resources[REST_API]["Properties"]
    if "MethodSettings" in api:
        raise ValueError(f"{REST_API} already has MethodSettings; merge them here instead")
    api["MethodSettings"] = stage_throttling()
    reserved: dict[str, Any] = fragment["Metadata"][CONCURRENCY_METADATA]
    for logical_id, short_name in short_names.items():
        value = reserved.get(short_name, reserved[DEFAULT_FUNCTION])
        resources[logical_id]["Properties"]["ReservedConcurrentExecutions"] = {
            "Fn::If": [CONCURRENCY_CONDITION, value, {"Ref": "AWS::NoValue"}]
        }
