"""Services a talent sells: looked up by id, listed per talent through GSI1."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pynamodb.attributes import (
    BooleanAttribute,
    ListAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.exceptions import DoesNotExist

from chalicelib import clock, ids
from chalicelib.domain import categories
from chalicelib.errors import NotFoundError
from chalicelib.models import keys, pagination
from chalicelib.models.base import Item
from chalicelib.models.conditions import conflict_on_condition_failure
from chalicelib.models.revisions import update_at_revision


class ServiceItem(Item, discriminator="service"):
    service_id = UnicodeAttribute()
    talent_id = UnicodeAttribute()
    owner_user_id = UnicodeAttribute()
    title = UnicodeAttribute()
    description = UnicodeAttribute(null=True)
    category = UnicodeAttribute()
    pricing_type = UnicodeAttribute()
    price_amount = NumberAttribute()
    currency = UnicodeAttribute()
    duration_minutes = NumberAttribute(null=True)
    packages = ListAttribute[Any](default=list)
    deposit_percent = NumberAttribute(default=0)
    cancellation_policy = UnicodeAttribute(default="moderate")
    is_active = BooleanAttribute(default=True)
    # Absent on services created before the QC gate: the category's mark applies.
    report_required = BooleanAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    revision = NumberAttribute(default=1)


@dataclass(frozen=True)
class Service:
    id: str
    talent_id: str
    owner_user_id: str
    title: str
    description: str | None
    category: str
    pricing: dict[str, Any]
    duration_minutes: int | None
    packages: tuple[dict[str, Any], ...]
    deposit_percent: int
    cancellation_policy: str
    is_active: bool
    created_at: datetime
    updated_at: datetime
    revision: int
    report_required: bool


def _package(raw: Any) -> dict[str, Any]:
    value = dict(raw)
    return {
        "tier": value["tier"],
        "title": value["title"],
        "price": {"amount": int(value["price_amount"]), "currency": value["currency"]},
        "delivery_days": int(value["delivery_days"]),
        "revisions": int(value["revisions"]),
    }


def _to_service(item: ServiceItem) -> Service:
    return Service(
        id=item.service_id,
        talent_id=item.talent_id,
        owner_user_id=item.owner_user_id,
        title=item.title,
        description=item.description,
        category=item.category,
        pricing={
            "type": item.pricing_type,
            "price": {"amount": int(item.price_amount), "currency": item.currency},
        },
        duration_minutes=int(item.duration_minutes) if item.duration_minutes is not None else None,
        packages=tuple(_package(p) for p in item.packages or ()),
        deposit_percent=int(item.deposit_percent or 0),
        cancellation_policy=item.cancellation_policy,
        is_active=bool(item.is_active),
        created_at=item.created_at,
        updated_at=item.updated_at,
        revision=int(item.revision or 1),
        report_required=(
            categories.report_required(item.category)
            if item.report_required is None
            else bool(item.report_required)
        ),
    )


def _attributes(values: dict[str, Any]) -> dict[str, Any]:
    attributes = {k: v for k, v in values.items() if k not in ("pricing", "packages")}
    if "pricing" in values:
        attributes["pricing_type"] = values["pricing"]["type"]
        attributes["price_amount"] = values["pricing"]["price"]["amount"]
        attributes["currency"] = values["pricing"]["price"]["currency"]
    if "packages" in values:
        attributes["packages"] = [
            {
                "tier": p["tier"],
                "title": p["title"],
                "price_amount": p["price"]["amount"],
                "currency": p["price"]["currency"],
                "delivery_days": p["delivery_days"],
                "revisions": p["revisions"],
            }
            for p in values["packages"] or ()
        ]
    return attributes


def create(talent_id: str, owner_user_id: str, values: dict[str, Any]) -> Service:
    now = clock.now()
    service_id = ids.new_id()
    item = ServiceItem(
        keys.service_pk(service_id),
        keys.SERVICE_SK,
        service_id=service_id,
        talent_id=talent_id,
        owner_user_id=owner_user_id,
        created_at=now,
        updated_at=now,
        revision=1,
        gsi1pk=keys.services_of_talent_gsi1pk(talent_id),
        gsi1sk=keys.service_gsi1sk(service_id),
        **_attributes(values),
    )
    with conflict_on_condition_failure("service already exists"):
        item.save(condition=ServiceItem.pk.does_not_exist())
    return _to_service(item)


def get(service_id: str) -> Service | None:
    try:
        return _to_service(ServiceItem.get(keys.service_pk(service_id), keys.SERVICE_SK))
    except DoesNotExist:
        return None


def require(service_id: str) -> Service:
    service = get(service_id)
    if service is None:
        raise NotFoundError("service not found")
    return service


def update(service: Service, values: dict[str, Any]) -> Service:
    """Write the changed fields if nobody changed the service since it was read."""
    attributes = _attributes(values)
    attributes["updated_at"] = clock.now()
    item = ServiceItem(keys.service_pk(service.id), keys.SERVICE_SK)
    update_at_revision(item, attributes, service.revision, "service")
    return _to_service(item)


def list_for_talent(
    talent_id: str, *, include_inactive: bool, limit: int, cursor: str | None
) -> tuple[list[Service], str | None]:
    partition = keys.services_of_talent_gsi1pk(talent_id)
    start = pagination.decode(cursor, {"GSI1PK": partition})
    condition = None if include_inactive else ServiceItem.is_active == True  # noqa: E712
    results = ServiceItem.gsi1.query(
        partition,
        filter_condition=condition,
        limit=limit,
        last_evaluated_key=start,
        page_size=limit,
    )
    services = [_to_service(item) for item in results if isinstance(item, ServiceItem)]
    return services, pagination.encode(results.last_evaluated_key)
