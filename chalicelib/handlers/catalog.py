"""Services and the category tree."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib import clock
from chalicelib.domain import categories
from chalicelib.lazy import lazy_import
from chalicelib.schemas.catalog import (
    ServiceCreate,
    ServiceList,
    ServiceListQuery,
    ServiceOut,
    ServicePatch,
)
from chalicelib.schemas.reference import CategoryTree
from chalicelib.web.router import Api, Reply, RequestContext

if TYPE_CHECKING:
    from chalicelib.models import service as service_store
    from chalicelib.usecases import catalog
else:
    catalog = lazy_import("chalicelib.usecases.catalog")


api = Api(__name__, tag="catalog")


def serialize(service: service_store.Service) -> ServiceOut:
    return ServiceOut.model_validate(
        {
            "id": service.id,
            "talent_id": service.talent_id,
            "title": service.title,
            "description": service.description,
            "category": service.category,
            "pricing": service.pricing,
            "duration_minutes": service.duration_minutes,
            "packages": list(service.packages),
            "deposit_percent": service.deposit_percent,
            "cancellation_policy": service.cancellation_policy,
            "is_active": service.is_active,
            "report_required": service.report_required,
            "created_at": clock.to_rfc3339(service.created_at),
            "updated_at": clock.to_rfc3339(service.updated_at),
        }
    )


@api.get(
    "/v1/categories",
    operation_id="listCategories",
    summary="The category tree",
    auth="public",
    response=CategoryTree,
)
def list_categories(ctx: RequestContext) -> dict[str, Any]:
    return {"items": categories.tree_json()}


@api.post(
    "/v1/talent/{talent_id}/services",
    operation_id="createService",
    summary="Offer a service (the talent's owner)",
    body=ServiceCreate,
    response=ServiceOut,
    status=201,
    errors=(403, 404),
)
def create_service(ctx: RequestContext, talent_id: str) -> ServiceOut:
    return serialize(catalog.create(talent_id, ctx.principal, ctx.body))


@api.get(
    "/v1/talent/{talent_id}/services",
    operation_id="listServices",
    summary="A talent's services (inactive ones: owner and admins, with include_inactive)",
    auth="optional",
    query=ServiceListQuery,
    response=ServiceList,
    errors=(403, 404),
)
def list_services(ctx: RequestContext, talent_id: str) -> ServiceList:
    services, cursor = catalog.list_for_talent(talent_id, ctx.viewer, ctx.query)
    return ServiceList(items=[serialize(s) for s in services], next_cursor=cursor)


@api.get(
    "/v1/services/{service_id}",
    operation_id="getService",
    summary="A service",
    auth="optional",
    response=ServiceOut,
    errors=(404,),
)
def get_service(ctx: RequestContext, service_id: str) -> ServiceOut:
    return serialize(catalog.get(service_id, ctx.viewer))


@api.patch(
    "/v1/services/{service_id}",
    operation_id="updateService",
    summary="Change a service (owner)",
    body=ServicePatch,
    response=ServiceOut,
    errors=(403, 404),
)
def patch_service(ctx: RequestContext, service_id: str) -> ServiceOut:
    return serialize(catalog.update(service_id, ctx.principal, ctx.body))


@api.delete(
    "/v1/services/{service_id}",
    operation_id="deleteService",
    summary="Stop offering a service (owner or admin); bookings keep their copy",
    status=204,
    errors=(403, 404),
)
def delete_service(ctx: RequestContext, service_id: str) -> Reply:
    catalog.deactivate(service_id, ctx.principal)
    return Reply(None, status=204)
