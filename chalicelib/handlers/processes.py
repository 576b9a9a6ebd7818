"""The transaction processes, published as data."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.lazy import lazy_import
from chalicelib.schemas.reference import ProcessList
from chalicelib.web.router import Api, RequestContext

if TYPE_CHECKING:
    from chalicelib.domain import process_definitions
else:
    # The process tables and their engine load when this route is first called, not in
    # every cold start.
    process_definitions = lazy_import("chalicelib.domain.process_definitions")

api = Api(__name__, tag="transactions")


@api.get(
    "/v1/processes",
    operation_id="listProcesses",
    summary="Every process definition (states, transitions, actors, timers), all versions",
    auth="public",
    response=ProcessList,
)
def list_processes(ctx: RequestContext) -> dict[str, Any]:
    ordered = sorted(process_definitions.REGISTRY.values(), key=lambda p: (p.name, p.version))
    return {"items": [process.to_json() for process in ordered]}
