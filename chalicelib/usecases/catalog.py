"""Services (what a talent sells): who may see, list and change them."""

from __future__ import annotations

from typing import Any

from chalicelib.auth.principal import Principal
from chalicelib.auth.viewer import Viewer
from chalicelib.domain import categories, pricing
from chalicelib.errors import ForbiddenError, ValidationError
from chalicelib.models import service as service_store
from chalicelib.models import talent as talent_store
from chalicelib.schemas.catalog import ServiceCreate, ServiceListQuery, ServicePatch
from chalicelib.settings import get_settings
from chalicelib.usecases.talent import visible


def create(talent_id: str, principal: Principal, body: ServiceCreate) -> service_store.Service:
    viewer = Viewer.of(principal)
    talent = visible(talent_id, viewer)
    viewer.require_owner(talent.owner_user_id, "talent's services")
    fields = body.model_dump()
    if fields["report_required"] is None:
        fields["report_required"] = categories.report_required(fields["category"])
    pricing.check_service(
        fields["pricing"],
        fields["packages"],
        fields["deposit_percent"],
        fields["duration_minutes"],
        get_settings().max_prices,
    )
    return service_store.create(talent.id, talent.owner_user_id, fields)


def list_for_talent(
    talent_id: str, viewer: Viewer, query: ServiceListQuery
) -> tuple[list[service_store.Service], str | None]:
    talent = visible(talent_id, viewer)
    if query.include_inactive and not viewer.may_manage(talent.owner_user_id):
        raise ForbiddenError("only the owner may list inactive services")
    return service_store.list_for_talent(
        talent.id, include_inactive=query.include_inactive, limit=query.limit, cursor=query.cursor
    )


def get(service_id: str, viewer: Viewer) -> service_store.Service:
    service = service_store.require(service_id)
    if service.is_active:
        talent = talent_store.require(service.talent_id, with_portfolio=False)
        viewer.require_visible(talent.is_public, service.owner_user_id, "service")
    else:
        viewer.require_visible(False, service.owner_user_id, "service")
    return service


def _manageable(service_id: str, principal: Principal, *, admin_too: bool) -> service_store.Service:
    viewer = Viewer.of(principal)
    service = service_store.require(service_id)
    viewer.require_visible(service.is_active, service.owner_user_id, "service")
    viewer.require_owner(service.owner_user_id, "service", admin_too=admin_too)
    return service


def update(service_id: str, principal: Principal, body: ServicePatch) -> service_store.Service:
    service = _manageable(service_id, principal, admin_too=False)
    changes: dict[str, Any] = body.model_dump(exclude_unset=True)
    for name in (
        "title",
        "category",
        "pricing",
        "deposit_percent",
        "cancellation_policy",
        "is_active",
        "report_required",
    ):
        if name in changes and changes[name] is None:
            raise ValidationError(f"{name} cannot be removed")
    currency = (changes.get("pricing") or service.pricing)["price"]["currency"]
    packages = changes.get("packages")
    if packages is None and "pricing" in changes:
        packages = list(service.packages)
    if packages and any(p["price"]["currency"] != currency for p in packages):
        raise ValidationError("packages must be priced in the service's currency")
    pricing_type = (changes.get("pricing") or service.pricing)["type"]
    duration = changes.get("duration_minutes", service.duration_minutes)
    if pricing_type == "hourly" and duration is None:
        raise ValidationError("hourly services need duration_minutes (the minimum booking)")
    if not changes:
        return service
    pricing.check_service(
        changes.get("pricing") or service.pricing,
        list(packages if packages is not None else service.packages),
        int(changes.get("deposit_percent", service.deposit_percent)),
        duration,
        get_settings().max_prices,
    )
    return service_store.update(service, changes)


def deactivate(service_id: str, principal: Principal) -> None:
    """A service is never deleted (bookings point at it); it stops being offered."""
    service = _manageable(service_id, principal, admin_too=True)
    if service.is_active:
        service_store.update(service, {"is_active": False})
