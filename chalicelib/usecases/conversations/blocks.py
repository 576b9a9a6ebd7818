"""Blocks: a user blocks another by user id; the blocked one can neither message nor book
the blocker (checked inside those writes' transactions, see models/blocks.py)."""

from __future__ import annotations

from chalicelib.auth.principal import Principal
from chalicelib.errors import ValidationError
from chalicelib.models import blocks
from chalicelib.models import user as users


def block(principal: Principal, user_id: str) -> tuple[blocks.Block, bool]:
    if user_id == principal.user_id:
        raise ValidationError("you cannot block yourself")
    users.get_by_id(user_id)  # 404 for a user that does not exist
    return blocks.block(principal.user_id, user_id)


def unblock(principal: Principal, user_id: str) -> None:
    blocks.unblock(principal.user_id, user_id)


def blocked(
    principal: Principal, limit: int, cursor: str | None
) -> tuple[list[blocks.Block], str | None]:
    return blocks.list_blocked(principal.user_id, limit=limit, cursor=cursor)
