"""What the document declares, the API takes: for every operation with a request body, a
maximal instance (every property, nested ones included) is built from /v1/openapi.json alone
and posted by a real user against real fixtures. A semantic answer (403, 404, 409, or a 400
from a rule the schema cannot say, such as "no such category") is fine; a 400 that names a
field as unknown, missing, mistyped or out of the declared bounds is the document lying."""

from __future__ import annotations

import itertools
import re
from datetime import timedelta
from typing import Any

from chalicelib import clock, ids
from tests.functional.deals import ADMIN, CUSTOMER, TALENT
from tests.functional.factories import create_service, create_talent, verified_media
from tests.support import JsonClient

# Field errors that can only mean the document and the validating model disagree.
_STRUCTURAL = ("extra_forbidden", "missing", "literal_error", "enum", "string_pattern_mismatch")
_BOUNDS = ("too_short", "too_long", "greater_than", "less_than", "multiple_of")


def _structural(error: dict[str, Any]) -> bool:
    kind = str(error.get("type", ""))
    return (
        kind in _STRUCTURAL
        or kind.endswith("_type")
        or kind.endswith("_parsing")
        or any(bound in kind for bound in _BOUNDS)
    )


class Builder:
    """A maximal, valid instance of a schema, from the document alone; values that must
    name real things (ids, a category) come from the fixtures by property name."""

    def __init__(self, components: dict[str, Any], names: dict[str, Any]) -> None:
        self.components = components
        self.names = names
        self.moments = itertools.count()

    def build(
        self, schema: dict[str, Any], name: str = "", parent: dict[str, Any] | None = None
    ) -> Any:
        if "$ref" in schema:
            return self.build(self.components[schema["$ref"].rsplit("/", 1)[1]], name, parent)
        for key in ("anyOf", "oneOf"):
            if key in schema:
                branches = [s for s in schema[key] if s.get("type") != "null"]
                return self.build(branches[0], name, parent)
        if "allOf" in schema:
            return self.build(schema["allOf"][0], name, parent)
        if "const" in schema:
            return schema["const"]
        hinted = self._hint(schema, name, parent or {})
        if hinted is not None:
            return hinted
        if "enum" in schema:
            return schema["enum"][0]
        kind = schema.get("type")
        if kind == "object" or "properties" in schema:
            instance: dict[str, Any] = {}
            for prop, sub in schema.get("properties", {}).items():
                instance[prop] = self.build(sub, prop, instance)
            return instance
        if kind == "array":
            count = max(1, schema.get("minItems", 1))
            item = schema.get("items", {})
            return [self.build(item, f"{name}[]", parent) for _ in range(count)]
        if kind == "integer":
            return self._number(schema, 1)
        if kind == "number":
            return float(self._number(schema, 1))
        if kind == "boolean":
            return True
        return self._string(schema, name)

    def _number(self, schema: dict[str, Any], default: int) -> int:
        if "minimum" in schema:
            return max(int(schema["minimum"]), min(default, int(schema.get("maximum", default))))
        if "exclusiveMinimum" in schema:
            return int(schema["exclusiveMinimum"]) + 1
        return min(default, int(schema.get("maximum", default)))

    def _string(self, schema: dict[str, Any], name: str) -> str:
        moment = clock.now() + timedelta(days=5, hours=2 * next(self.moments))
        if schema.get("format") == "date-time":
            return moment.strftime("%Y-%m-%dT%H:00:00Z")
        if schema.get("format") == "date":
            return moment.date().isoformat()
        if "pattern" in schema:
            candidates = (
                ids.new_id(),
                moment.date().isoformat(),
                "ar",
                "IQ",
                "https://app.example.com/x",
            )
            return next(c for c in candidates if re.search(schema["pattern"], c))
        text = f"A realistic {name.replace('_', ' ') or 'value'} for the document's test"
        low, high = schema.get("minLength", 1), schema.get("maxLength", len(text))
        return (text * (1 + low // len(text)))[: max(low, min(high, len(text)))]

    def _hint(self, schema: dict[str, Any], name: str, parent: dict[str, Any]) -> Any:
        if "enum" in schema:
            return None  # the document says which values there are
        if name == "id" and "type" in parent:
            return self.names.get(str(parent["type"]), ids.new_id())
        value = self.names.get(name)
        if isinstance(value, list) != (schema.get("type") == "array"):
            return None
        return value


def _fixtures(api: JsonClient) -> dict[str, Any]:
    talent = create_talent(api, TALENT)
    service = create_service(
        api,
        TALENT,
        talent["id"],
        packages=[
            {
                "tier": tier,
                "title": f"{tier.title()} show",
                "price": {"amount": 300000 * (n + 1), "currency": "IQD"},
                "delivery_days": 0,
                "revisions": 0,
            }
            for n, tier in enumerate(("basic", "standard", "premium"))
        ],
    )
    booking = api.post(
        "/v1/bookings",
        as_user=CUSTOMER,
        json_body={
            "service_id": service["id"],
            "start": (clock.now() + timedelta(days=20)).strftime("%Y-%m-%dT18:00:00Z"),
        },
    ).body
    customer_id = api.get("/v1/me", as_user=CUSTOMER).body["id"]
    attachment = verified_media(api, CUSTOMER, purpose="attachment")
    return {
        # Path parameters and body properties that must name real things.
        "talent_id": talent["id"],
        "talent": talent["id"],
        "service_id": service["id"],
        "booking_id": booking["id"],
        "subject_id": booking["id"],
        "booking": booking["id"],
        "user_id": customer_id,
        "user": customer_id,
        "media_id": attachment,
        "attachments": [attachment],
        "provider": "fib",
        "name": "cancel",
        "category": "fire-led.fire-performer",
        "categories": ["fire-led.fire-performer"],
        "languages": ["ar"],
        "country": "IQ",
        "timezone": "Asia/Baghdad",
        "return_url": "https://app.example.com/paid",
        "filename": "portfolio.png",
        "slug": "saas-mvp",
    }


def _caller(method: str, path: str, auth: str) -> str:
    if auth == "admin":
        return ADMIN
    if "{talent_id}" in path or path.startswith(("/v1/services", "/v1/me/payout")):
        return TALENT
    return CUSTOMER


def _path(path: str, names: dict[str, Any]) -> str:
    for name in ("talent_id", "service_id", "booking_id", "subject_id", "user_id", "media_id"):
        path = path.replace("{" + name + "}", str(names[name]))
    for name in ("provider", "name", "slug"):
        path = path.replace("{" + name + "}", str(names[name]))
    while "{" in path:
        start, end = path.index("{"), path.index("}")
        path = path[:start] + ids.new_id() + path[end + 1 :]
    return path


def test_a_maximal_instance_of_every_request_body_is_taken(api: JsonClient) -> None:
    from chalicelib.web.openapi import document
    from chalicelib.web.router import ROUTES

    spec = document()
    names = _fixtures(api)
    builder = Builder(spec["components"]["schemas"], names)
    answers: dict[str, int] = {}
    lies: list[str] = []
    for route in ROUTES:
        operation = spec["paths"][route.path][route.method.lower()]
        if "requestBody" not in operation or route.path.startswith("/v1/payments/webhook"):
            continue
        body = builder.build(operation["requestBody"]["content"]["application/json"]["schema"])
        reply = api.request(
            route.method,
            _path(route.path, names),
            json_body=body,
            as_user=_caller(route.method, route.path, route.auth),
        )
        answers[operation["operationId"]] = reply.status
        # A provider's 502 is a documented answer; anything else 5xx is a bug.
        assert str(reply.status) in operation["responses"], (operation["operationId"], reply)
        if reply.status == 400:
            fields = (reply.body["error"]["details"] or {}).get("fields", [])
            wrong = [f for f in fields if _structural(f)]
            if wrong:
                lies.append(f"{operation['operationId']}: {wrong} for {body}")
    assert not lies, "\n".join(lies)
    assert len(answers) >= 25, answers
    # The booking request built from the schema alone is taken as it is.
    assert answers["createBooking"] == 201, answers
    accepted = sorted(op for op, status in answers.items() if status < 300)
    assert {"createBooking", "createThread", "createReport", "transitionBooking"} <= set(
        accepted
    ), answers


def test_optional_bodies_are_declared_and_refused_with_field_details(api: JsonClient) -> None:
    """Bodies once parsed by hand (a payout's mark paid, a transition's parameters) are the
    route's declared models now: a wrong one names its field, no body at all is the
    defaults, and the document shows them as optional."""
    from chalicelib.web.openapi import document

    names = _fixtures(api)
    paid = api.post(
        f"/v1/admin/payouts/{ids.new_id()}/paid", as_user=ADMIN, json_body={"reference": 5}
    )
    assert paid.status == 400
    assert paid.body["error"]["details"]["fields"][0]["field"] == "reference"
    # No body: the defaults, so the payout is looked up (and there is none).
    assert api.post(f"/v1/admin/payouts/{ids.new_id()}/paid", as_user=ADMIN).status == 404
    booking = f"/v1/bookings/{names['booking_id']}"
    listed = api.post(f"{booking}/transitions/cancel", as_user=CUSTOMER, json_body=["reason"])
    assert listed.status == 400 and listed.body["error"]["details"]["fields"]
    assert api.get(booking, as_user=CUSTOMER).body["state"] == "requested"
    cancelled = api.post(f"{booking}/transitions/cancel", as_user=CUSTOMER)
    assert cancelled.status == 200 and cancelled.body["state"] == "cancelled"
    paths = document()["paths"]
    for path in (
        "/v1/admin/payouts/{payout_id}/paid",
        "/v1/bookings/{subject_id}/transitions/{name}",
    ):
        assert paths[path]["post"]["requestBody"]["required"] is False
