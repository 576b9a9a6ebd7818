"""Who sees a dispute: its two parties and admins; anyone else gets 404."""

from __future__ import annotations

from chalicelib.auth.principal import Principal
from chalicelib.errors import ForbiddenError, NotFoundError
from chalicelib.models import dispute_items, subject_events, subjects
from chalicelib.models.subject_events import Event
from chalicelib.models.subjects import Subject
from chalicelib.usecases.process_registry import Caller


def _require_visible(subject: Subject, principal: Principal) -> None:
    Caller(principal).require_party(subject)  # a party or an admin; others 404


def view(dispute_id: str, principal: Principal) -> dispute_items.Dispute:
    """The dispute with its evidence and offers: one Query."""
    dispute = dispute_items.load(dispute_id)
    if dispute is None:
        raise NotFoundError("dispute not found")
    _require_visible(dispute.subject, principal)
    return dispute


def as_party(dispute_id: str, principal: Principal) -> dispute_items.Dispute:
    """For a party's action: others 404, an admin (who may know it exists) 403."""
    dispute = view(dispute_id, principal)
    if principal.user_id not in dispute.subject.parties().values():
        raise ForbiddenError("only the two parties act on a dispute")
    return dispute


def mine(principal: Principal, limit: int, cursor: str | None) -> tuple[list[Subject], str | None]:
    """The caller's disputes as either party, newest first."""
    return dispute_items.of_user(principal.user_id, limit=limit, cursor=cursor)


def admin_queue(
    principal: Principal, state: str, limit: int, cursor: str | None
) -> tuple[list[Subject], str | None]:
    principal.require_admin()
    return dispute_items.queue(state, limit=limit, cursor=cursor)


def history(
    dispute_id: str, principal: Principal, limit: int, cursor: str | None
) -> tuple[list[Event], str | None]:
    subject = subjects.require(dispute_items.DISPUTE, dispute_id)
    _require_visible(subject, principal)
    return subject_events.events(dispute_items.DISPUTE, dispute_id, limit=limit, cursor=cursor)
