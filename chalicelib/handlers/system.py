"""Health and the published API contract."""

from __future__ import annotations

from typing import Any

from chalicelib.schemas.common import ApiModel
from chalicelib.schemas.reference import ApiDocument
from chalicelib.web.router import Api, RequestContext

api = Api(__name__, tag="system")


class Health(ApiModel):
    status: str


@api.get("/v1/health", operation_id="getHealth", summary="Liveness", auth="public", response=Health)
def health(ctx: RequestContext) -> Health:
    return Health(status="ok")


@api.get(
    "/v1/openapi.json",
    operation_id="getOpenApiDocument",
    summary="This API as an OpenAPI 3.1 document",
    auth="public",
    response=ApiDocument,
)
def openapi(ctx: RequestContext) -> dict[str, Any]:
    from chalicelib.web.openapi import document

    return document()
