"""OpenAPI 3.1, generated from the same route declarations and pydantic models that
validate requests, so the document cannot drift from the code.

Every model is published once per mode it is used in, all in one pydantic pass, so two
models never share a component name (a clash is qualified by module) and a model whose
request (validation) and response (serialization) shapes differ gets one component each
(`Name-Input`, `Name-Output`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from chalicelib.schemas.common import ErrorEnvelope
from chalicelib.web.openapi_meta import (
    ERROR_TEXT,
    ID_PARAMETER,
    TAGS,
    describe_cursors,
    examples_for,
    path_parameter_schema,
)
from chalicelib.web.router import MUTATING, ROUTES, RouteSpec

Mode = Literal["validation", "serialization"]
_REF = "#/components/schemas/{model}"
_PATH_PARAM = re.compile(r"{([^}]+)}")


@dataclass(frozen=True)
class Published:
    document: dict[str, Any]
    # (model, mode) -> its component name
    names: dict[tuple[type[BaseModel], Mode], str]


def _models(routes: list[RouteSpec]) -> list[tuple[type[BaseModel], Mode]]:
    wanted: list[tuple[type[BaseModel], Mode]] = [(ErrorEnvelope, "serialization")]
    for spec in routes:
        if spec.body is not None:
            wanted.append((spec.body, "validation"))
        if spec.response is not None:
            wanted.append((spec.response, "serialization"))
    return list(dict.fromkeys(wanted))


def _query_parameters(model: type[BaseModel]) -> list[dict[str, Any]]:
    schema = model.model_json_schema(mode="validation")
    required = set(schema.get("required", []))
    return [
        {
            "name": name,
            "in": "query",
            "required": name in required,
            "schema": prop,
            **({"description": prop["description"]} if "description" in prop else {}),
        }
        for name, prop in schema.get("properties", {}).items()
    ]


def operation_id(spec: RouteSpec) -> str:
    """The declared operationId; a route without one still publishes (the tests name it)."""
    if spec.operation_id:
        return spec.operation_id
    slug = re.sub(r"[^a-zA-Z0-9]+", "_", spec.path).strip("_")
    return f"undeclared_{spec.method.lower()}_{slug}"


def _success(spec: RouteSpec, names: dict[tuple[type[BaseModel], Mode], str]) -> dict[str, Any]:
    success: dict[str, Any] = {"description": spec.summary}
    content: dict[str, Any] = {}
    for media_type in spec.produces:
        if media_type == "application/json":
            if spec.response is None:
                continue
            name = names[(spec.response, "serialization")]
            content[media_type] = {"schema": {"$ref": _REF.format(model=name)}}
            example = examples_for(operation_id(spec)).get("response")
            if example is not None:
                content[media_type]["example"] = example
        else:
            content[media_type] = {"schema": {"type": "string"}}
    if content:
        success["content"] = content
    return success


def _error_statuses(spec: RouteSpec) -> list[int]:
    statuses = set(spec.errors) | {400}
    if spec.auth in ("user", "admin"):
        statuses.add(401)
    if spec.auth == "admin":
        statuses.add(403)
    if spec.method in MUTATING:
        statuses.update({409, 422})
    if spec.rate_limited:
        statuses.add(429)
    return sorted(statuses)


def _parameters(spec: RouteSpec) -> list[dict[str, Any]]:
    parameters: list[dict[str, Any]] = [
        {"name": name, "in": "path", "required": True, "schema": path_parameter_schema(name)}
        for name in _PATH_PARAM.findall(spec.path)
    ]
    if spec.query is not None:
        parameters.extend(_query_parameters(spec.query))
    if spec.method in MUTATING:
        parameters.append(
            {
                "name": "Idempotency-Key",
                "in": "header",
                "required": False,
                "description": "The same key with the same body within 24 h replays the "
                "first answer; with another body it is a 422",
                "schema": {"type": "string", "minLength": 1, "maxLength": 255},
            }
        )
    return parameters


def _operation(spec: RouteSpec, names: dict[tuple[type[BaseModel], Mode], str]) -> dict[str, Any]:
    error_ref = {"$ref": _REF.format(model=names[(ErrorEnvelope, "serialization")])}
    responses: dict[str, Any] = {str(s): _success(spec, names) for s in spec.success_statuses}
    for status in _error_statuses(spec):
        responses[str(status)] = {
            "description": ERROR_TEXT.get(status, "Error"),
            "content": {"application/json": {"schema": error_ref}},
        }
    operation: dict[str, Any] = {
        "operationId": operation_id(spec),
        "summary": spec.summary,
        "tags": [spec.tag],
        "parameters": _parameters(spec),
        "responses": responses,
    }
    if spec.auth == "public":
        operation["security"] = []
    elif spec.auth == "optional":
        operation["security"] = [{}, {"bearer": []}]
    if spec.body is not None:
        media: dict[str, Any] = {
            "schema": {"$ref": _REF.format(model=names[(spec.body, "validation")])}
        }
        example = examples_for(operation_id(spec)).get("request")
        if example is not None:
            media["example"] = example
        operation["requestBody"] = {
            "required": spec.body_required,
            "content": {"application/json": media},
        }
    return operation


def _component_names(
    refs: dict[tuple[type[BaseModel], Mode], dict[str, Any]],
) -> dict[tuple[type[BaseModel], Mode], str]:
    return {key: ref["$ref"].rsplit("/", 1)[1] for key, ref in refs.items()}


def build(routes: list[RouteSpec]) -> Published:
    refs, top = models_json_schema(_models(routes), ref_template=_REF)
    names = _component_names(refs)  # type: ignore[arg-type]
    components: dict[str, Any] = top.get("$defs", {})
    describe_cursors(components)
    paths: dict[str, dict[str, Any]] = {}
    for spec in routes:
        paths.setdefault(spec.path, {})[spec.method.lower()] = _operation(spec, names)
    used_tags = sorted({spec.tag for spec in routes})
    document = {
        "openapi": "3.1.0",
        "info": {
            "title": "Talent marketplace API",
            "version": "1.0.0",
            "description": "Find talent, book services, hire for milestone jobs, pay into escrow.",
        },
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}],
        "tags": [{"name": tag, "description": TAGS.get(tag, "")} for tag in used_tags],
        "paths": dict(sorted(paths.items())),
        "components": {
            "schemas": dict(sorted(components.items())),
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
            },
        },
    }
    return Published(document, names)


@lru_cache(maxsize=1)
def published() -> Published:
    return build(list(ROUTES))


def document() -> dict[str, Any]:
    return published().document


def component_name(model: type[BaseModel], mode: Mode) -> str:
    """The component a model publishes under in `mode` (the contract checks use it)."""
    return published().names[(model, mode)]


__all__ = ["ID_PARAMETER", "component_name", "document", "operation_id", "published"]
