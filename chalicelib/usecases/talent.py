"""Talent profiles and portfolios: who may see and change what."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.auth.principal import Principal
from chalicelib.auth.viewer import Viewer
from chalicelib.errors import ForbiddenError, ValidationError
from chalicelib.lazy import lazy_import
from chalicelib.models import search_outbox
from chalicelib.models import talent as talent_store
from chalicelib.schemas.talent import PortfolioCreate, PortfolioPatch, TalentCreate, TalentPatch

if TYPE_CHECKING:
    from chalicelib.models import media_items as media_store
    from chalicelib.models import search_index
else:
    # Only writes reindex or check media; a cold read of a profile need not load them
    # (tests/functional/test_cold_path.py).
    media_store = lazy_import("chalicelib.models.media_items")
    search_index = lazy_import("chalicelib.models.search_index")


def _require_own_media(principal: Principal, media_id: str, purposes: tuple[str, ...]) -> None:
    media = media_store.get(media_id)
    if media is None or media.owner_user_id != principal.user_id:
        raise ValidationError("media not found", {"media_id": media_id})
    if media.purpose not in purposes:
        raise ValidationError(f"media must be uploaded for {' or '.join(purposes)}")
    if media.status != media_store.VERIFIED:
        raise ValidationError(f"media is {media.status}; wait until it is verified")


def create(principal: Principal, body: TalentCreate) -> talent_store.Talent:
    values: dict[str, Any] = body.model_dump(exclude_none=True)
    if body.avatar_media_id:
        _require_own_media(principal, body.avatar_media_id, ("avatar",))
    talent = talent_store.create(principal.user, values)  # arms the search outbox too
    search_index.refresh(talent.id)
    return talent


def visible(talent_id: str, viewer: Viewer, *, with_portfolio: bool = False) -> talent_store.Talent:
    """The talent, if this viewer may know it exists (404 otherwise)."""
    talent = talent_store.require(talent_id, with_portfolio=with_portfolio)
    viewer.require_visible(talent.is_public, talent.owner_user_id, "talent")
    return talent


def get(talent_id: str, viewer: Viewer) -> talent_store.Talent:
    return visible(talent_id, viewer, with_portfolio=True)


def update(talent_id: str, principal: Principal, body: TalentPatch) -> talent_store.Talent:
    viewer = Viewer.of(principal)
    talent = get(talent_id, viewer)
    changes: dict[str, Any] = body.model_dump(exclude_unset=True)
    admin_only = [name for name in talent_store.ADMIN_FIELDS if name in changes]
    if admin_only and not principal.is_admin:
        raise ForbiddenError(f"only an admin may set {', '.join(admin_only)}")
    viewer.require_owner(talent.owner_user_id, "profile", admin_too=True)
    required = [n for n in ("display_name", "categories", "location", "is_active") if n in changes]
    if any(changes[name] is None for name in required):
        raise ValidationError(f"{', '.join(required)} cannot be removed")
    if changes.get("avatar_media_id"):
        _require_own_media(principal, changes["avatar_media_id"], ("avatar",))
    if not changes:
        return talent
    search_outbox.mark_stale(talent.id)
    if admin_only or principal.user_id != talent.owner_user_id:
        updated = _update_audited(talent, principal, changes)
    else:
        updated = talent_store.update(talent, changes)
    search_index.refresh(talent.id)
    return updated


def _update_audited(
    talent: talent_store.Talent, principal: Principal, changes: dict[str, Any]
) -> talent_store.Talent:
    """An admin's edit (a badge, a suspension, or any change to someone else's profile) is
    an admin action: its audit entry is written in the edit's own transaction."""
    from chalicelib.models import audit
    from chalicelib.models.writes import Writes

    writes = Writes()
    talent_store.update_in(writes, talent, changes)
    audit.record(
        writes,
        actor_id=principal.user_id,
        action="talent.update",
        target_type="talent",
        target_id=talent.id,
        before={name: _json_value(getattr(talent, name)) for name in changes},
        after={name: _json_value(value) for name, value in changes.items()},
    )
    writes.commit("the profile changed meanwhile; reload and retry")
    return talent_store.require(talent.id, with_portfolio=True)


def _json_value(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def _own_talent(talent_id: str, principal: Principal) -> talent_store.Talent:
    talent = get(talent_id, Viewer.of(principal))
    Viewer.of(principal).require_owner(talent.owner_user_id, "portfolio")
    return talent


def add_portfolio_entry(
    talent_id: str, principal: Principal, body: PortfolioCreate
) -> talent_store.PortfolioEntry:
    talent = _own_talent(talent_id, principal)
    _require_own_media(principal, body.media_id, ("portfolio",))
    return talent_store.add_portfolio_entry(
        talent, body.title, body.description, body.media_id, body.position
    )


def update_portfolio_entry(
    talent_id: str, item_id: str, principal: Principal, body: PortfolioPatch
) -> talent_store.PortfolioEntry:
    _own_talent(talent_id, principal)
    changes = body.model_dump(exclude_unset=True)
    if not changes:
        # DynamoDB takes no update without an action; an edit of nothing is the caller's slip.
        raise ValidationError("name at least one of title, description, position")
    if changes.get("title", "") is None or changes.get("position", 0) is None:
        raise ValidationError("title and position cannot be removed")
    return talent_store.update_portfolio_entry(talent_id, item_id, changes)


def remove_portfolio_entry(talent_id: str, item_id: str, principal: Principal) -> None:
    _own_talent(talent_id, principal)
    talent_store.remove_portfolio_entry(talent_id, item_id)
