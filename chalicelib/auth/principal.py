"""Who is calling: the verified token's user, provisioned on first sight, with its roles."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from chalicelib.auth.tokens import Claims, verifier
from chalicelib.errors import AccountSuspendedError, ForbiddenError, UnauthenticatedError
from chalicelib.lazy import lazy_import
from chalicelib.settings import get_settings

if TYPE_CHECKING:
    from chalicelib.models import user as users
else:
    users = lazy_import("chalicelib.models.user")


SUSPENDED = "suspended"


@dataclass(frozen=True)
class Principal:
    user: users.User
    roles: frozenset[str]

    @property
    def user_id(self) -> str:
        return self.user.id

    @property
    def is_admin(self) -> bool:
        return "admin" in self.roles

    @property
    def is_suspended(self) -> bool:
        return self.user.status == SUSPENDED

    def require_active(self) -> None:
        """Suspended accounts read but change nothing (403 ACCOUNT_SUSPENDED)."""
        if self.is_suspended:
            raise AccountSuspendedError("this account is suspended")

    def require_admin(self) -> None:
        if not self.is_admin:
            raise ForbiddenError("admin only")


def bearer_token(authorization: str | None) -> str:
    if not authorization:
        raise UnauthenticatedError("missing bearer token")
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise UnauthenticatedError("authorization header must be 'Bearer <token>'")
    return token.strip()


def is_configured_admin(user: users.User, groups: tuple[str, ...] = ()) -> bool:
    """Admin by configuration: a verified email in ADMIN_EMAILS, the identity `iss|sub` in
    ADMIN_SUBJECTS, or membership of ADMIN_GROUP in the token's Cognito groups."""
    settings = get_settings()
    if user.email_verified and user.email and user.email in settings.admin_emails:
        return True
    if f"{user.issuer}|{user.subject}" in settings.admin_subjects:
        return True
    return bool(settings.admin_group) and settings.admin_group in groups


def roles_for(user: users.User, groups: tuple[str, ...] = ()) -> frozenset[str]:
    """`groups` are the calling token's; without them only stored roles, the email and the
    subject count."""
    roles = set(user.roles) | {"customer"}
    if is_configured_admin(user, groups):
        roles.add("admin")
    return frozenset(roles)


def _email_as_told(claims: Claims, user: users.User) -> tuple[str | None, bool]:
    # A token without an email (a Cognito access token) says nothing about it: keep ours.
    if claims.email is None and claims.raw.get("email_verified") is not False:
        return user.email, user.email_verified
    return (claims.email or user.email), claims.email_verified


def authenticate(authorization: str | None) -> Principal:
    claims = verifier().verify(bearer_token(authorization))
    user = users.get_by_identity(claims.issuer, claims.subject)
    if user is None:
        user = users.provision(
            claims.issuer,
            claims.subject,
            claims.email,
            claims.name,
            email_verified=claims.email_verified,
        )
    else:
        email, verified = _email_as_told(claims, user)
        user = users.sync_email(user, email, verified)
    return Principal(user=user, roles=roles_for(user, claims.groups))
