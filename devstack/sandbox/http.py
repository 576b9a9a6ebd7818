"""The sandbox's small HTTP toolkit: a route table, JSON requests and responses, and errors
in the API's own envelope, so clients handle the sandbox exactly like the API."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


def envelope(code: str, message: str, details: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": details or {}}}


class HttpError(Exception):
    def __init__(
        self, status: int, code: str, message: str, details: dict[str, Any] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details or {}


def bad_request(message: str, details: dict[str, Any] | None = None) -> HttpError:
    return HttpError(400, "VALIDATION_ERROR", message, details)


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    params: dict[str, str] = field(default_factory=dict)

    def json(self) -> Any:
        if not self.body.strip():
            return None
        try:
            return json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise bad_request("request body is not valid JSON") from None

    def json_object(self, required: bool = True) -> dict[str, Any]:
        """The body as a JSON object; an empty body is {} unless the route needs one."""
        data = self.json()
        if data is None and not required:
            return {}
        if not isinstance(data, dict):
            raise bad_request("request body must be a JSON object")
        return data


@dataclass
class Response:
    body: Any
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)


Handler = Callable[[Request], Response | dict[str, Any]]


@dataclass(frozen=True)
class _Route:
    method: str
    pattern: re.Pattern[str]
    template: str
    handler: Handler


class Router:
    """Routes are (method, "/path/{param}") pairs; route modules add theirs at startup."""

    def __init__(self) -> None:
        self._routes: list[_Route] = []

    def add(self, method: str, template: str, handler: Handler) -> None:
        for route in self._routes:
            if route.method == method.upper() and route.template == template:
                raise ValueError(f"route {method} {template} is registered twice")
        self._routes.append(_Route(method.upper(), _compile(template), template, handler))

    def route(self, method: str, template: str) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            self.add(method, template, handler)
            return handler

        return register

    def resolve(self, method: str, path: str) -> tuple[Handler, dict[str, str]]:
        allowed = []
        for route in self._routes:
            match = route.pattern.fullmatch(path)
            if match is None:
                continue
            if route.method == method:
                return route.handler, match.groupdict()
            allowed.append(route.method)
        if allowed:
            raise HttpError(
                405,
                "METHOD_NOT_ALLOWED",
                f"{method} is not allowed on {path}",
                {"allowed": sorted(set(allowed))},
            )
        raise HttpError(404, "NOT_FOUND", f"no sandbox route {method} {path}")

    def templates(self) -> list[str]:
        return [f"{route.method} {route.template}" for route in self._routes]


def _compile(template: str) -> re.Pattern[str]:
    parts = re.split(r"\{(\w+)\}", template)
    regex = "".join(
        re.escape(part) if index % 2 == 0 else f"(?P<{part}>[^/]+)"
        for index, part in enumerate(parts)
    )
    return re.compile(regex)
