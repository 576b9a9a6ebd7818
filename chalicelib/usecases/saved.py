"""Saved talent: a private list per user."""

from __future__ import annotations

from chalicelib.auth.principal import Principal
from chalicelib.auth.viewer import Viewer
from chalicelib.models import saved as saved_store
from chalicelib.usecases.talent import visible


def save(principal: Principal, talent_id: str) -> tuple[saved_store.SavedTalent, bool]:
    talent = visible(talent_id, Viewer.of(principal))
    return saved_store.save(principal.user_id, talent.id)


def unsave(principal: Principal, talent_id: str) -> None:
    saved_store.unsave(principal.user_id, talent_id)


def list_saved(
    principal: Principal, limit: int, cursor: str | None
) -> tuple[list[saved_store.SavedTalent], str | None]:
    return saved_store.list_for_user(principal.user_id, limit=limit, cursor=cursor)
