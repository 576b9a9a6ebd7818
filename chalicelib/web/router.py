"""Routes declare what they take and give; the wrapper here does the rest, the same for all:
decode path parameters, authenticate, parse and validate the body and query, honour
Idempotency-Key, and translate errors into the envelope. The declarations also feed OpenAPI."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import unquote

from chalice.app import Blueprint, Response
from pydantic import BaseModel
from pydantic import ValidationError as PydanticValidationError

from chalicelib.auth.principal import Principal, authenticate
from chalicelib.auth.viewer import Viewer
from chalicelib.errors import DomainError, ValidationError
from chalicelib.web import idempotency, limits
from chalicelib.web.envelope import JSON_HEADERS, Headers, error_response

Auth = Literal["public", "optional", "user", "admin"]
MUTATING = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@dataclass(frozen=True)
class RouteSpec:
    method: str
    path: str
    summary: str
    auth: Auth
    tag: str
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    response: type[BaseModel] | None = None
    status: int = 200
    content_types: tuple[str, ...] = ("application/json",)
    errors: tuple[int, ...] = ()
    rate_limited: bool = False  # writes, and reads that call a provider (web/limits.py)
    # Other success statuses answered with the same body (a repeated save is 200, not 201).
    also: tuple[int, ...] = ()
    # The client-facing name of the operation (camelCase, unique): declared, never derived.
    operation_id: str | None = None
    # False: the body may be left out entirely, and then is the model's defaults.
    body_required: bool = True
    # Media types of the success answer: JSON (the response model), or text such as a CSV
    # download or the plain text a payment provider expects.
    produces: tuple[str, ...] = ("application/json",)

    @property
    def success_statuses(self) -> tuple[int, ...]:
        return (self.status, *self.also)


ROUTES: list[RouteSpec] = []


@dataclass
class Reply:
    """What a view returns when it needs a status or headers other than the route's default."""

    body: Any
    status: int | None = None
    headers: Headers = field(default_factory=dict)


@dataclass(frozen=True)
class RawBody:
    """A body that is not JSON (a payment provider may expect the plain text `SUCCESS`)."""

    text: str
    content_type: str = "text/plain; charset=utf-8"


class RequestContext:
    """What a view may know of its request; the framework's request object stays in here."""

    def __init__(self, blueprint: Blueprint, spec: RouteSpec) -> None:
        self._request = blueprint.current_request
        self._spec = spec
        self._principal: Principal | None = None
        self.body: Any = None
        self.query: Any = None

    def header(self, name: str) -> str | None:
        value = self._request.headers.get(name)
        return str(value) if value is not None else None

    @property
    def headers(self) -> dict[str, str]:
        """Every request header, names in lower case."""
        return {str(k).lower(): str(v) for k, v in (self._request.headers or {}).items()}

    @property
    def method(self) -> str:
        return str(self._request.method)

    @property
    def query_params(self) -> dict[str, str]:
        return _query_dict(self._request.query_params)

    @property
    def request_context(self) -> dict[str, Any]:
        return dict(self._request.context or {})

    @property
    def raw_body(self) -> bytes:
        raw = self._request.raw_body
        return raw if isinstance(raw, bytes) else (raw or "").encode()

    @property
    def path(self) -> str:
        context = self._request.context or {}
        return str(context.get("path") or self._request.path)

    @property
    def principal(self) -> Principal:
        if self._principal is None:
            principal = authenticate(self.header("authorization"))
            if self._spec.method in MUTATING:
                principal.require_active()  # before any write, even the rate limiter's
            self._principal = principal
        return self._principal

    @property
    def optional_principal(self) -> Principal | None:
        if self.header("authorization") is None:
            return None
        return self.principal

    @property
    def viewer(self) -> Viewer:
        """The caller, authenticated only if and when an answer depends on who it is."""
        return Viewer(lambda: self.optional_principal)


def _field_errors(error: PydanticValidationError) -> list[dict[str, str]]:
    return [
        {
            "field": ".".join(str(part) for part in item["loc"]) or "body",
            "message": item["msg"],
            "type": item["type"],
        }
        for item in error.errors(include_url=False, include_context=False, include_input=False)
    ]


def _parse_json_body(raw: bytes) -> Any:
    if not raw.strip():
        raise ValidationError("request body is required")
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise ValidationError("request body is not valid JSON") from None


def _validate(model: type[BaseModel], data: Any, where: str) -> BaseModel:
    try:
        return model.model_validate(data)
    except PydanticValidationError as error:
        raise ValidationError(f"invalid {where}", {"fields": _field_errors(error)}) from None


def _query_dict(request_query: Any) -> dict[str, str]:
    return dict(request_query.items()) if request_query else {}


def _to_response(spec: RouteSpec, result: Any) -> Response:
    reply = result if isinstance(result, Reply) else Reply(result)
    status = reply.status or spec.status
    body = reply.body
    if isinstance(body, BaseModel):
        body = body.model_dump(mode="json")
    headers: Headers = dict(JSON_HEADERS)
    headers.update(reply.headers)
    if status == 204:
        return Response(body="", status_code=204, headers=reply.headers)
    if isinstance(body, RawBody):
        headers["Content-Type"] = body.content_type
        return Response(body=body.text, status_code=status, headers=headers)
    return Response(
        body=json.dumps(body, separators=(",", ":")), status_code=status, headers=headers
    )


def _run(
    spec: RouteSpec, view: Callable[..., Any], ctx: RequestContext, params: dict[str, str]
) -> Response:
    if spec.auth in ("user", "admin"):
        principal = ctx.principal
        if spec.auth == "admin":
            principal.require_admin()
    if spec.body is not None:
        if not spec.body_required and not ctx.raw_body.strip():
            ctx.body = _validate(spec.body, {}, "request body")
        else:
            ctx.body = _validate(spec.body, _parse_json_body(ctx.raw_body), "request body")
    if spec.query is not None:
        ctx.query = _validate(spec.query, ctx.query_params, "query")
    return _to_response(spec, view(ctx, **params))


class Api:
    """A Chalice blueprint whose views all go through the same wrapper."""

    def __init__(self, import_name: str, tag: str) -> None:
        self.blueprint = Blueprint(import_name)
        self.tag = tag

    def route(
        self,
        method: str,
        path: str,
        *,
        summary: str,
        auth: Auth = "user",
        body: type[BaseModel] | None = None,
        query: type[BaseModel] | None = None,
        response: type[BaseModel] | None = None,
        status: int = 200,
        content_types: tuple[str, ...] = ("application/json",),
        errors: tuple[int, ...] = (),
        rate_limited: bool | None = None,
        also: tuple[int, ...] = (),
        operation_id: str | None = None,
        body_required: bool = True,
        produces: tuple[str, ...] = ("application/json",),
    ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        spec = RouteSpec(
            method=method,
            path=path,
            summary=summary,
            auth=auth,
            tag=self.tag,
            body=body,
            query=query,
            response=response,
            status=status,
            content_types=content_types,
            errors=errors,
            rate_limited=method in MUTATING if rate_limited is None else rate_limited,
            also=also,
            operation_id=operation_id,
            body_required=body_required,
            produces=produces,
        )

        def register(view: Callable[..., Any]) -> Callable[..., Any]:
            @functools.wraps(view)
            def endpoint(**raw_params: str) -> Response:
                # API Gateway and chalice local both hand over percent-encoded path parameters.
                params = {name: unquote(value) for name, value in raw_params.items()}
                ctx = RequestContext(self.blueprint, spec)
                try:
                    if spec.rate_limited:
                        limits.enforce(ctx)
                    if spec.method in MUTATING:
                        return idempotency.guard(ctx, lambda: _run(spec, view, ctx, params))
                    return _run(spec, view, ctx, params)
                except DomainError as error:
                    return error_response(error)

            self.blueprint.route(path, methods=[method], content_types=list(content_types))(
                endpoint
            )
            ROUTES.append(spec)
            return view

        return register

    def get(self, path: str, **options: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        return self.route("GET", path, **options)

    def post(self, path: str, **options: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        return self.route("POST", path, **options)

    def put(self, path: str, **options: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        return self.route("PUT", path, **options)

    def patch(
        self, path: str, **options: Any
    ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        return self.route("PATCH", path, **options)

    def delete(
        self, path: str, **options: Any
    ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        return self.route("DELETE", path, **options)
