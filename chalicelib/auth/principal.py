"""Who is calling: the verified token's user, provisioned on first sight, with its roles."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from chalicelib.auth.tokens import verifier
from chalicelib.errors import ForbiddenError, UnauthenticatedError
from chalicelib.lazy import lazy_import
from chalicelib.settings import get_settings

if TYPE_CHECKING:
    from chalicelib.models import user as users
else:
    users = lazy_import("chalicelib.models.user")


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


def roles_for(user: users.User) -> frozenset[str]:
    roles = set(user.roles) | {"customer"}
    if user.email and user.email in get_settings().admin_emails:
        roles.add("admin")
    return frozenset(roles)


def authenticate(authorization: str | None) -> Principal:
    claims = verifier().verify(bearer_token(authorization))
    user = users.get_by_identity(claims.issuer, claims.subject)
    if user is None:
        user = users.provision(claims.issuer, claims.subject, claims.email, claims.name)
    if user.status == "suspended":
        raise ForbiddenError("account suspended")
    return Principal(user=user, roles=roles_for(user))
