"""Who is looking, resolved only when an answer depends on it: a public profile is served
without authenticating the caller at all (one DynamoDB request instead of two)."""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property

from chalicelib.auth.principal import Principal
from chalicelib.errors import ForbiddenError, NotFoundError


class Viewer:
    def __init__(self, resolve: Callable[[], Principal | None]) -> None:
        self._resolve = resolve

    @classmethod
    def of(cls, principal: Principal | None) -> Viewer:
        return cls(lambda: principal)

    @cached_property
    def principal(self) -> Principal | None:
        return self._resolve()

    def is_user(self, user_id: str) -> bool:
        return self.principal is not None and self.principal.user_id == user_id

    @property
    def is_admin(self) -> bool:
        return self.principal is not None and self.principal.is_admin

    def may_manage(self, owner_user_id: str) -> bool:
        return self.is_user(owner_user_id) or self.is_admin

    def require_visible(self, public: bool, owner_user_id: str, what: str) -> None:
        """Hidden things are 404 to those who may not see them: their existence is private."""
        if not public and not self.may_manage(owner_user_id):
            raise NotFoundError(f"{what} not found")

    def require_owner(self, owner_user_id: str, what: str, *, admin_too: bool = False) -> None:
        if self.is_user(owner_user_id) or (admin_too and self.is_admin):
            return
        raise ForbiddenError(f"only the owner may change this {what}")
