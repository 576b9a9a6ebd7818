"""Reports: anyone signed in may report what they can see; the target must exist for them."""

from __future__ import annotations

from collections.abc import Callable

from chalicelib import clock, ids
from chalicelib.auth.principal import Principal
from chalicelib.auth.viewer import Viewer
from chalicelib.errors import NotFoundError
from chalicelib.models import reports, thread_items
from chalicelib.models import user as users
from chalicelib.schemas.threads import ReportCreate
from chalicelib.usecases import contracting, media, talent


def _message(principal: Principal, message_id: str) -> None:
    message = thread_items.message_by_id(message_id)
    if message is None or not (principal.user_id in message.participants or principal.is_admin):
        raise NotFoundError("message not found")


def _review(principal: Principal, review_id: str) -> None:
    # Blind reviews are 404 to all but their authors, as on GET /v1/reviews/{id}.
    from chalicelib.usecases.reviews import reading

    reading.visible(review_id, Viewer.of(principal))


def _user(principal: Principal, user_id: str) -> None:
    users.get_by_id(user_id)


def _talent(principal: Principal, talent_id: str) -> None:
    talent.visible(talent_id, Viewer.of(principal))


def _media(principal: Principal, media_id: str) -> None:
    media.get(media_id, Viewer.of(principal))


def _job(principal: Principal, job_id: str) -> None:
    contracting.visible_job(job_id, Viewer.of(principal))


# Each target type's check: it exists, and the reporter may see it (404 otherwise).
_TARGETS: dict[str, Callable[[Principal, str], None]] = {
    "user": _user,
    "talent": _talent,
    "message": _message,
    "review": _review,
    "media": _media,
    "job": _job,
}


def report(principal: Principal, body: ReportCreate) -> reports.Report:
    _TARGETS[body.target.type](principal, body.target.id)
    return reports.create(
        reports.Report(
            id=ids.new_id(),
            reporter_id=principal.user_id,
            target_type=body.target.type,
            target_id=body.target.id,
            reason=body.reason,
            details=body.details,
            state=reports.OPEN,
            created_at=clock.now(),
        )
    )
