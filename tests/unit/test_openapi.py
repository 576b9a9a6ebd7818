from __future__ import annotations

from openapi_spec_validator import validate

import app  # noqa: F401 - registers every route
from chalicelib.web.openapi import document
from chalicelib.web.router import ROUTES


def test_document_is_valid_openapi_31() -> None:
    spec = document()
    assert spec["openapi"] == "3.1.0"
    validate(spec)


def test_every_route_is_documented() -> None:
    paths = document()["paths"]
    for route in ROUTES:
        assert route.method.lower() in paths[route.path], route


def test_mutating_operations_document_idempotency_key() -> None:
    for path_item in document()["paths"].values():
        for method, operation in path_item.items():
            names = {p["name"] for p in operation["parameters"]}
            assert ("Idempotency-Key" in names) == (method in {"post", "put", "patch", "delete"})
