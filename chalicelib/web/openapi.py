"""OpenAPI 3.1, generated from the same route declarations and pydantic models that
validate requests, so the document cannot drift from the code."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from pydantic import BaseModel

from chalicelib.schemas.common import ErrorEnvelope
from chalicelib.web.router import ROUTES, RouteSpec

_REF = "#/components/schemas/{model}"
_PATH_PARAM = re.compile(r"{([^}]+)}")
_ERROR_TEXT = {
    400: "Invalid request",
    401: "Missing or invalid bearer token",
    403: "Not allowed",
    404: "Not found",
    409: "Conflict: the state moved, or a duplicate",
    413: "Body too large",
    415: "Unsupported content type",
    422: "Idempotency-Key reused with a different body",
    429: "Rate limited: retry after the Retry-After header's seconds",
    502: "A provider failed",
}


def _schema_ref(model: type[BaseModel], components: dict[str, Any], mode: str) -> dict[str, Any]:
    schema = model.model_json_schema(ref_template=_REF, mode=mode)  # type: ignore[arg-type]
    for name, definition in schema.pop("$defs", {}).items():
        components[name] = definition
    components[model.__name__] = schema
    return {"$ref": _REF.format(model=model.__name__)}


def _query_parameters(model: type[BaseModel]) -> list[dict[str, Any]]:
    schema = model.model_json_schema(mode="validation")
    required = set(schema.get("required", []))
    return [
        {"name": name, "in": "query", "required": name in required, "schema": prop}
        for name, prop in schema.get("properties", {}).items()
    ]


def _operation(spec: RouteSpec, components: dict[str, Any]) -> dict[str, Any]:
    error_ref = {"$ref": _REF.format(model="ErrorEnvelope")}
    parameters: list[dict[str, Any]] = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
        for name in _PATH_PARAM.findall(spec.path)
    ]
    if spec.query is not None:
        parameters.extend(_query_parameters(spec.query))
    if spec.method in ("POST", "PUT", "PATCH", "DELETE"):
        parameters.append(
            {
                "name": "Idempotency-Key",
                "in": "header",
                "required": False,
                "schema": {"type": "string", "maxLength": 255},
            }
        )
    success: dict[str, Any] = {"description": spec.summary}
    if spec.response is not None:
        success["content"] = {
            "application/json": {"schema": _schema_ref(spec.response, components, "serialization")}
        }
    responses: dict[str, Any] = {str(status): success for status in spec.success_statuses}
    statuses = set(spec.errors) | {400}
    if spec.auth in ("user", "admin"):
        statuses.add(401)
    if spec.auth == "admin":
        statuses.add(403)
    if spec.method in ("POST", "PUT", "PATCH", "DELETE"):
        statuses.update({409, 422})
    if spec.rate_limited:
        statuses.add(429)
    for status in sorted(statuses):
        responses[str(status)] = {
            "description": _ERROR_TEXT.get(status, "Error"),
            "content": {"application/json": {"schema": error_ref}},
        }
    slug = re.sub(r"[^a-zA-Z0-9]+", "_", spec.path).strip("_")
    operation: dict[str, Any] = {
        "operationId": f"{spec.method.lower()}_{slug}",
        "summary": spec.summary,
        "tags": [spec.tag],
        "parameters": parameters,
        "responses": responses,
    }
    if spec.auth == "public":
        operation["security"] = []
    elif spec.auth == "optional":
        operation["security"] = [{}, {"bearer": []}]
    if spec.body is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {
                "application/json": {"schema": _schema_ref(spec.body, components, "validation")}
            },
        }
    return operation


@lru_cache(maxsize=1)
def document() -> dict[str, Any]:
    components: dict[str, Any] = {}
    _schema_ref(ErrorEnvelope, components, "serialization")
    paths: dict[str, dict[str, Any]] = {}
    for spec in ROUTES:
        paths.setdefault(spec.path, {})[spec.method.lower()] = _operation(spec, components)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Talent marketplace API",
            "version": "1.0.0",
            "description": "Find talent, book services, hire for milestone jobs, pay into escrow.",
        },
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}],
        "paths": dict(sorted(paths.items())),
        "components": {
            "schemas": dict(sorted(components.items())),
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
            },
        },
    }
