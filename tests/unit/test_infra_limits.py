"""The packaged template throttles the API stage (tighter for webhooks) and reserves
concurrency for every function, switchable for small accounts."""

from __future__ import annotations

from typing import Any

from infra.limits import CONCURRENCY_CONDITION
from infra.package import build_template, load_resources
from tests.unit.test_infra_build import chalice_output


def _template() -> dict[str, Any]:
    return build_template(chalice_output(), load_resources(), "prod")


def test_the_stage_throttles_every_method_and_webhooks_tighter() -> None:
    template = _template()
    settings = template["Resources"]["RestAPI"]["Properties"]["MethodSettings"]
    by_path = {(s["ResourcePath"], s["HttpMethod"]): s for s in settings}
    everything = by_path[("/*", "*")]
    webhook = by_path[("~1v1~1payments~1webhook~1{provider}", "POST")]
    parameters = template["Parameters"]
    for setting, rate, burst in (
        (everything, "ApiThrottlingRateLimit", "ApiThrottlingBurstLimit"),
        (webhook, "WebhookThrottlingRateLimit", "WebhookThrottlingBurstLimit"),
    ):
        assert setting["ThrottlingRateLimit"] == {"Ref": rate}
        assert setting["ThrottlingBurstLimit"] == {"Ref": burst}
        assert parameters[rate]["Default"] > 0 and parameters[burst]["Default"] > 0
    assert (
        parameters["WebhookThrottlingRateLimit"]["Default"]
        < parameters["ApiThrottlingRateLimit"]["Default"]
    )
    # The webhook route the setting names is one the API really has.
    import app  # noqa: F401 - registers the routes
    from chalicelib.web.router import ROUTES

    assert ("POST", "/v1/payments/webhook/{provider}") in {(r.method, r.path) for r in ROUTES}


def test_every_function_has_a_reserved_concurrency_that_can_be_switched_off() -> None:
    template = _template()
    functions = {
        logical_id: resource["Properties"]
        for logical_id, resource in template["Resources"].items()
        if resource["Type"] == "AWS::Serverless::Function"
    }
    assert len(functions) >= 5
    for logical_id, properties in functions.items():
        condition, value, otherwise = properties["ReservedConcurrentExecutions"]["Fn::If"]
        assert condition == CONCURRENCY_CONDITION, logical_id
        assert otherwise == {"Ref": "AWS::NoValue"}
        assert value == {"Ref": "ApiReservedConcurrency"} or (isinstance(value, int) and value > 0)
    assert functions["APIHandler"]["ReservedConcurrentExecutions"]["Fn::If"][1] == {
        "Ref": "ApiReservedConcurrency"
    }
    assert template["Conditions"][CONCURRENCY_CONDITION] == {
        "Fn::Equals": [{"Ref": "ReserveConcurrency"}, "true"]
    }


def test_the_stage_throttle_answers_429_with_retry_after() -> None:
    responses = _template()["Resources"]["RestAPI"]["Properties"]["DefinitionBody"][
        "x-amazon-apigateway-gateway-responses"
    ]
    throttled = responses["THROTTLED"]
    assert throttled["statusCode"] == "429"
    assert throttled["responseParameters"]["gatewayresponse.header.Retry-After"] == "'1'"
    assert "RATE_LIMITED" in throttled["responseTemplates"]["application/json"]
