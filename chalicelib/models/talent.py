"""Talent profiles and their portfolios. A profile is read whole and written whole under an
explicit revision check; counters change by atomic ADDs that leave the revision alone."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pynamodb.attributes import (
    BooleanAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.exceptions import DoesNotExist
from pynamodb.transactions import TransactWrite

from chalicelib import clock
from chalicelib.errors import ConflictError, NotFoundError
from chalicelib.models import keys, search_outbox
from chalicelib.models import user as users
from chalicelib.models.base import Item, connection
from chalicelib.models.conditions import conflict_on_condition_failure
from chalicelib.models.revisions import update_at_revision, update_at_revision_in
from chalicelib.models.writes import Writes

MAX_PORTFOLIO_ITEMS = 50


class LocationAttribute(MapAttribute[str, Any]):
    city = UnicodeAttribute()
    country = UnicodeAttribute()
    lat = NumberAttribute()
    lng = NumberAttribute()


class TalentItem(Item, discriminator="talent"):
    talent_id = UnicodeAttribute()
    owner_user_id = UnicodeAttribute()
    display_name = UnicodeAttribute()
    headline = UnicodeAttribute(null=True)
    bio = UnicodeAttribute(null=True)
    categories = ListAttribute[str](default=list)
    skills = ListAttribute[str](default=list)
    languages = ListAttribute[str](default=list)
    location = LocationAttribute()
    travel_radius_km = NumberAttribute(null=True)
    currency = UnicodeAttribute(null=True)
    rate_amount = NumberAttribute(null=True)
    rate_currency = UnicodeAttribute(null=True)
    badges = ListAttribute[str](default=list)
    timezone = UnicodeAttribute(default="UTC")
    weekly = ListAttribute[str](null=True)
    avatar_media_id = UnicodeAttribute(null=True)
    is_active = BooleanAttribute(default=True)
    is_suspended = BooleanAttribute(default=False)
    # Hidden by moderation (a report decided `hide`): gone for everyone but owner and admins.
    hidden = BooleanAttribute(null=True)
    rating_sum = NumberAttribute(default=0)
    rating_count = NumberAttribute(default=0)
    completed_count = NumberAttribute(default=0)
    requests_received = NumberAttribute(default=0)
    requests_answered = NumberAttribute(default=0)
    portfolio_count = NumberAttribute(default=0)
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    revision = NumberAttribute(default=1)


class PortfolioItem(Item, discriminator="portfolio"):
    item_id = UnicodeAttribute()
    talent_id = UnicodeAttribute()
    title = UnicodeAttribute()
    description = UnicodeAttribute(null=True)
    media_id = UnicodeAttribute()
    position = NumberAttribute(default=0)
    created_at = UTCDateTimeAttribute()


@dataclass(frozen=True)
class PortfolioEntry:
    id: str
    title: str
    description: str | None
    media_id: str
    position: int
    created_at: datetime


# Fields the owner (or an admin) may set; everything else is computed or admin-only.
EDITABLE_FIELDS = (
    "display_name",
    "headline",
    "bio",
    "categories",
    "skills",
    "languages",
    "location",
    "travel_radius_km",
    "currency",
    "rate",
    "timezone",
    "avatar_media_id",
    "is_active",
)
ADMIN_FIELDS = ("is_suspended", "badges")


@dataclass(frozen=True)
class Talent:
    id: str
    owner_user_id: str
    display_name: str
    headline: str | None
    bio: str | None
    categories: tuple[str, ...]
    skills: tuple[str, ...]
    languages: tuple[str, ...]
    location: dict[str, Any]
    travel_radius_km: int | None
    currency: str | None
    rate: dict[str, Any] | None
    badges: tuple[str, ...]
    timezone: str
    weekly: tuple[str, ...] | None
    avatar_media_id: str | None
    is_active: bool
    is_suspended: bool
    rating_sum: int
    rating_count: int
    completed_count: int
    requests_received: int
    requests_answered: int
    portfolio_count: int
    created_at: datetime
    updated_at: datetime
    revision: int
    portfolio: tuple[PortfolioEntry, ...] = field(default_factory=tuple)
    hidden: bool = False

    @property
    def is_public(self) -> bool:
        return self.is_active and not self.is_suspended and not self.hidden

    @property
    def rating_avg(self) -> float | None:
        return round(self.rating_sum / self.rating_count, 2) if self.rating_count else None

    @property
    def response_rate(self) -> float | None:
        if not self.requests_received:
            return None
        return round(self.requests_answered / self.requests_received, 2)


def _location(value: Any) -> dict[str, Any]:
    raw = value.as_dict() if isinstance(value, MapAttribute) else dict(value)
    return {
        "city": raw["city"],
        "country": raw["country"],
        "lat": float(raw["lat"]),
        "lng": float(raw["lng"]),
    }


def _to_talent(item: TalentItem, portfolio: tuple[PortfolioEntry, ...] = ()) -> Talent:
    rate = None
    if item.rate_amount is not None and item.rate_currency:
        rate = {"amount": int(item.rate_amount), "currency": item.rate_currency}
    return Talent(
        id=item.talent_id,
        owner_user_id=item.owner_user_id,
        display_name=item.display_name,
        headline=item.headline,
        bio=item.bio,
        categories=tuple(item.categories or ()),
        skills=tuple(item.skills or ()),
        languages=tuple(item.languages or ()),
        location=_location(item.location),
        travel_radius_km=int(item.travel_radius_km) if item.travel_radius_km is not None else None,
        currency=item.currency,
        rate=rate,
        badges=tuple(item.badges or ()),
        timezone=item.timezone,
        weekly=tuple(item.weekly) if item.weekly is not None else None,
        avatar_media_id=item.avatar_media_id,
        is_active=bool(item.is_active),
        is_suspended=bool(item.is_suspended),
        rating_sum=int(item.rating_sum or 0),
        rating_count=int(item.rating_count or 0),
        completed_count=int(item.completed_count or 0),
        requests_received=int(item.requests_received or 0),
        requests_answered=int(item.requests_answered or 0),
        portfolio_count=int(item.portfolio_count or 0),
        created_at=item.created_at,
        updated_at=item.updated_at,
        revision=int(item.revision or 1),
        portfolio=portfolio,
        hidden=bool(item.hidden),
    )


def _to_entry(item: PortfolioItem) -> PortfolioEntry:
    return PortfolioEntry(
        id=item.item_id,
        title=item.title,
        description=item.description,
        media_id=item.media_id,
        position=int(item.position or 0),
        created_at=item.created_at,
    )


def _attributes(values: dict[str, Any]) -> dict[str, Any]:
    """API-shaped fields to item attributes (money and location are stored flat / typed)."""
    attributes = {k: v for k, v in values.items() if k not in ("rate", "location")}
    if "rate" in values:
        rate = values["rate"]
        attributes["rate_amount"] = rate["amount"] if rate else None
        attributes["rate_currency"] = rate["currency"] if rate else None
    if "location" in values:
        attributes["location"] = LocationAttribute(**values["location"])
    return attributes


def create(owner: users.User, values: dict[str, Any]) -> Talent:
    """The profile and the owner's `talent` role are written together, once per user."""
    from chalicelib import ids

    now = clock.now()
    talent_id = ids.new_id()
    item = TalentItem(
        keys.talent_pk(talent_id),
        keys.PROFILE_SK,
        talent_id=talent_id,
        owner_user_id=owner.id,
        timezone=values.get("timezone") or owner.timezone,
        created_at=now,
        updated_at=now,
        revision=1,
        **_attributes({k: v for k, v in values.items() if k != "timezone"}),
    )
    with (
        conflict_on_condition_failure("you already have a talent profile"),
        TransactWrite(connection=connection()) as transaction,
    ):
        transaction.save(item, condition=TalentItem.pk.does_not_exist())
        users.attach_talent_in(transaction, owner, talent_id)
        transaction.save(search_outbox.timer_item(talent_id))
    return _to_talent(item)


def get(talent_id: str, *, with_portfolio: bool = True) -> Talent | None:
    """One Query: the profile and (sorted after it) its portfolio items."""
    if not with_portfolio:
        try:
            return _to_talent(TalentItem.get(keys.talent_pk(talent_id), keys.PROFILE_SK))
        except DoesNotExist:
            return None
    profile: TalentItem | None = None
    entries: list[PortfolioEntry] = []
    for item in Item.query(keys.talent_pk(talent_id)):
        if isinstance(item, TalentItem):
            profile = item
        elif isinstance(item, PortfolioItem):
            entries.append(_to_entry(item))
    if profile is None:
        return None
    entries.sort(key=lambda e: (e.position, e.created_at, e.id))
    return _to_talent(profile, tuple(entries))


def require(talent_id: str, *, with_portfolio: bool = False) -> Talent:
    talent = get(talent_id, with_portfolio=with_portfolio)
    if talent is None:
        raise NotFoundError("talent not found")
    return talent


def update(talent: Talent, values: dict[str, Any]) -> Talent:
    """Write the changed fields if nobody changed the profile since `talent` was read."""
    attributes = _attributes(values)
    attributes["updated_at"] = clock.now()
    item = TalentItem(keys.talent_pk(talent.id), keys.PROFILE_SK)
    update_at_revision(item, attributes, talent.revision, "profile")
    # update() loaded the item's new values (ALL_NEW): no second read.
    return _to_talent(item, talent.portfolio)


def update_in(writes: Writes, talent: Talent, values: dict[str, Any]) -> None:
    """The same edit as `update`, in the caller's transaction (an admin's edit and its audit
    entry); the caller reads the profile back after committing."""
    attributes = _attributes(values)
    attributes["updated_at"] = clock.now()
    item = TalentItem(keys.talent_pk(talent.id), keys.PROFILE_SK)
    update_at_revision_in(writes, item, attributes, talent.revision, "profile")


def add_portfolio_entry(
    talent: Talent, title: str, description: str | None, media_id: str, position: int
) -> PortfolioEntry:
    from chalicelib import ids

    now = clock.now()
    item = PortfolioItem(
        keys.talent_pk(talent.id),
        keys.portfolio_sk(ids.new_id()),
        title=title,
        description=description,
        media_id=media_id,
        position=position,
        created_at=now,
    )
    item.item_id = item.sk[len(keys.PORTFOLIO_PREFIX) :]
    item.talent_id = talent.id
    profile = TalentItem(keys.talent_pk(talent.id), keys.PROFILE_SK)
    try:
        with (
            conflict_on_condition_failure("portfolio is full"),
            TransactWrite(connection=connection()) as transaction,
        ):
            transaction.save(item, condition=PortfolioItem.pk.does_not_exist())
            transaction.update(
                profile,
                actions=[TalentItem.portfolio_count.add(1)],
                condition=TalentItem.pk.exists()
                & (
                    TalentItem.portfolio_count.does_not_exist()
                    | (TalentItem.portfolio_count < MAX_PORTFOLIO_ITEMS)
                ),
            )
    except ConflictError:
        raise ConflictError(f"a portfolio holds at most {MAX_PORTFOLIO_ITEMS} items") from None
    return _to_entry(item)


def update_portfolio_entry(talent_id: str, item_id: str, values: dict[str, Any]) -> PortfolioEntry:
    item = PortfolioItem(keys.talent_pk(talent_id), keys.portfolio_sk(item_id))
    actions = [
        getattr(PortfolioItem, name).remove()
        if value is None
        else getattr(PortfolioItem, name).set(value)
        for name, value in values.items()
    ]
    try:
        with conflict_on_condition_failure("portfolio item not found"):
            item.update(actions=actions, condition=PortfolioItem.pk.exists())
    except ConflictError:
        raise NotFoundError("portfolio item not found") from None
    return _to_entry(item)


def remove_portfolio_entry(talent_id: str, item_id: str) -> None:
    item = PortfolioItem(keys.talent_pk(talent_id), keys.portfolio_sk(item_id))
    profile = TalentItem(keys.talent_pk(talent_id), keys.PROFILE_SK)
    try:
        with (
            conflict_on_condition_failure("portfolio item not found"),
            TransactWrite(connection=connection()) as transaction,
        ):
            transaction.delete(item, condition=PortfolioItem.pk.exists())
            transaction.update(profile, actions=[TalentItem.portfolio_count.add(-1)])
    except ConflictError:
        raise NotFoundError("portfolio item not found") from None
