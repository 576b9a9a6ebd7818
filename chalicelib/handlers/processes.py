"""The transaction processes, published as data."""

from __future__ import annotations

from typing import Any

from chalicelib.domain import processes
from chalicelib.web.router import Api, RequestContext

api = Api(__name__, tag="transactions")


@api.get(
    "/v1/processes",
    summary="Every process definition (states, transitions, actors, timers), all versions",
    auth="public",
)
def list_processes(ctx: RequestContext) -> dict[str, Any]:
    ordered = sorted(processes.REGISTRY.values(), key=lambda p: (p.name, p.version))
    return {"items": [process.to_json() for process in ordered]}
