"""Blocks: a user blocks another by user id; the blocked one can neither message nor book
the blocker (checked inside those writes' transactions, see models/blocks.py)."""

from __future__ import annotations

from chalicelib import ids
from chalicelib.auth.principal import Principal
from chalicelib.errors import NotFoundError, ValidationError
from chalicelib.models import blocks
from chalicelib.models import user as users


def _known_user(user_id: str) -> str:
    if not ids.is_valid_id(user_id):
        raise NotFoundError("user not found")
    return user_id


def block(principal: Principal, user_id: str) -> tuple[blocks.Block, bool]:
    _known_user(user_id)
    if user_id == principal.user_id:
        raise ValidationError("you cannot block yourself")
    users.get_by_id(user_id)  # 404 for a user that does not exist
    return blocks.block(principal.user_id, user_id)


def unblock(principal: Principal, user_id: str) -> None:
    _known_user(user_id)
    blocks.unblock(principal.user_id, user_id)


def blocked(
    principal: Principal, limit: int, cursor: str | None
) -> tuple[list[blocks.Block], str | None]:
    return blocks.list_blocked(principal.user_id, limit=limit, cursor=cursor)
