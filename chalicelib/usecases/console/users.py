"""Admins find users (a prefix index, never a Scan), suspend and reinstate them, and grant
or take roles. Each action and its audit entry are one transaction."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from chalicelib import clock, ids
from chalicelib.auth.principal import Principal, is_configured_admin
from chalicelib.errors import ConflictError, ForbiddenError, NotFoundError, ValidationError
from chalicelib.models import audit, moderated, search_index, subjects, user_search
from chalicelib.models import user as users
from chalicelib.models.writes import Writes

logger = logging.getLogger(__name__)

# Roles an admin changes here; `customer` is everyone's and `talent` comes with a profile.
GRANTABLE = frozenset({"admin"})
OPEN_REQUEST_STATES = frozenset({"requested", "quoted"})


@dataclass(frozen=True)
class UserView:
    user: users.User
    configured_admin: bool

    def to_json(self) -> dict[str, Any]:
        user = self.user
        return {
            "id": user.id,
            "email": user.email,
            "display_name": user.display_name,
            "roles": sorted(set(user.roles) | {"customer"}),
            "configured_admin": self.configured_admin,
            "status": user.status,
            "talent_id": user.talent_id,
            "created_at": clock.to_rfc3339(user.created_at),
        }


def _require(user_id: str) -> users.User:
    if not ids.is_valid_id(user_id):  # never a key DynamoDB would refuse (a 500)
        raise NotFoundError("user not found")
    return users.get_by_id(user_id)


def view(user: users.User) -> UserView:
    return UserView(user, is_configured_admin(user))


def search(q: str, limit: int, cursor: str | None) -> tuple[list[UserView], str | None]:
    """By email or a name word prefix: one Query on the directory, one BatchGetItem."""
    hits, next_cursor = user_search.query(q, limit, cursor)
    found = users.get_many([hit.identity_pk for hit in hits])
    return [view(user) for user in found], next_cursor


def suspend_in(writes: Writes, actor: Principal, user: users.User, reason: str) -> None:
    """The account, its talent profile (out of search and public views) and the audit
    entry, in the caller's transaction; `after_suspension` runs once it committed."""
    if user.id == actor.user_id:
        raise ConflictError("an admin cannot suspend their own account")
    if user.status == users.SUSPENDED:
        raise ConflictError("the user is already suspended")
    now = clock.now()
    users.set_status_in(writes, user, users.SUSPENDED, now)
    if user.talent_id:
        moderated.suspend_talent_in(writes, user.talent_id, True)
    audit.record(
        writes,
        actor_id=actor.user_id,
        action="user.suspend",
        target_type="user",
        target_id=user.id,
        before={"status": user.status},
        after={"status": users.SUSPENDED},
        reason=reason,
    )


def after_suspension(user: users.User) -> int:
    """Once the suspension committed: the profile leaves search now, and each open request
    to the talent is declined by the booking process (a system transition each). One that
    moved meanwhile is left alone; returns how many were declined."""
    if not user.talent_id:
        return 0
    from chalicelib.usecases import transitions

    search_index.refresh(user.talent_id)
    declined = 0
    for booking in subjects.open_of_talent(user.talent_id, "booking", OPEN_REQUEST_STATES):
        try:
            transitions.apply_to(
                booking, "decline_suspended", transitions.SYSTEM, {"reason": "talent_suspended"}
            )
            declined += 1
        except ConflictError:
            # It moved meanwhile (accepted, cancelled, expired): not an open request any more.
            logger.info("booking %s moved before the suspension could decline it", booking.id)
    logger.info("suspension declined %d open requests", declined)
    return declined


def suspend(actor: Principal, user_id: str, reason: str) -> UserView:
    user = _require(user_id)
    writes = Writes()
    suspend_in(writes, actor, user, reason)
    writes.commit("the user changed meanwhile")
    after_suspension(user)
    return view(users.get_by_id(user_id))


def unsuspend(actor: Principal, user_id: str, reason: str) -> UserView:
    user = _require(user_id)
    if user.status != users.SUSPENDED:
        raise ConflictError("the user is not suspended")
    writes = Writes()
    users.set_status_in(writes, user, users.ACTIVE, clock.now())
    if user.talent_id:
        moderated.suspend_talent_in(writes, user.talent_id, False)
    audit.record(
        writes,
        actor_id=actor.user_id,
        action="user.unsuspend",
        target_type="user",
        target_id=user.id,
        before={"status": users.SUSPENDED},
        after={"status": users.ACTIVE},
        reason=reason,
    )
    writes.commit("the user changed meanwhile")
    if user.talent_id:
        search_index.refresh(user.talent_id)
    return view(users.get_by_id(user_id))


def change_roles(
    actor: Principal, user_id: str, add: list[str], remove: list[str], reason: str | None
) -> UserView:
    """Grant or take stored roles; an admin never removes their own admin role (nobody
    locks the console out by accident). Admin by configuration is not a stored role."""
    refused = sorted((set(add) | set(remove)) - GRANTABLE)
    if refused:
        raise ValidationError(
            f"only {', '.join(sorted(GRANTABLE))} is granted here; "
            "customer is everyone's and talent comes with a profile",
            {"roles": refused},
        )
    if set(add) & set(remove):
        raise ValidationError(
            "a role is both added and removed", {"roles": sorted(set(add) & set(remove))}
        )
    if user_id == actor.user_id and "admin" in remove:
        raise ForbiddenError("an admin cannot remove their own admin role")
    user = _require(user_id)
    stored = [role for role in user.roles if role not in remove]
    stored += [role for role in add if role not in stored]
    if stored == list(user.roles):
        return view(user)  # nothing to change: nothing written, nothing audited
    writes = Writes()
    users.set_roles_in(writes, user, stored, clock.now())
    audit.record(
        writes,
        actor_id=actor.user_id,
        action="user.roles",
        target_type="user",
        target_id=user.id,
        before={"roles": list(user.roles)},
        after={"roles": stored},
        reason=reason,
    )
    writes.commit("the user's roles changed meanwhile; reload and retry")
    return view(users.get_by_id(user_id))
