"""/v1/me: the caller's own account."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib import clock
from chalicelib.auth.principal import Principal
from chalicelib.lazy import lazy_import
from chalicelib.schemas.me import MeOut, MePatch, NotificationPrefs
from chalicelib.web.router import Api, RequestContext

if TYPE_CHECKING:
    from chalicelib.models import email_status
    from chalicelib.models import user as users
else:
    users = lazy_import("chalicelib.models.user")
    email_status = lazy_import("chalicelib.models.email_status")

api = Api(__name__, tag="identity")

_ROLE_ORDER = ("customer", "talent", "admin")


def serialize(user: users.User, roles: frozenset[str]) -> MeOut:
    return MeOut(
        id=user.id,
        email=user.email,
        display_name=user.display_name,
        phone=user.phone,
        roles=[role for role in _ROLE_ORDER if role in roles],
        timezone=user.timezone,
        locale=user.locale,
        notification_prefs=NotificationPrefs(**user.notification_prefs),
        talent_id=user.talent_id,
        created_at=clock.to_rfc3339(user.created_at),
        email_status=email_status.status_of(user.email),
    )


@api.get("/v1/me", operation_id="getMe", summary="The caller's account", response=MeOut)
def get_me(ctx: RequestContext) -> MeOut:
    return serialize(ctx.principal.user, ctx.principal.roles)


@api.patch(
    "/v1/me",
    operation_id="updateMe",
    summary="Update the caller's account",
    body=MePatch,
    response=MeOut,
)
def patch_me(ctx: RequestContext) -> MeOut:
    principal: Principal = ctx.principal
    patch: MePatch = ctx.body
    changes: dict[str, Any] = patch.model_dump(exclude_unset=True, exclude={"notification_prefs"})
    prefs = (
        patch.notification_prefs.model_dump(exclude_none=True) if patch.notification_prefs else {}
    )
    return serialize(users.update_profile(principal.user, changes, prefs), principal.roles)
