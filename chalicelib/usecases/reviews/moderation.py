"""What happens to a published review afterwards: the reviewee's one reply, hiding by
moderation (the admin console will call `hide`; reports reach it through the moderation
queue) and the author's one appeal, which puts the review back in that queue."""

from __future__ import annotations

from dataclasses import replace

from chalicelib import clock, ids
from chalicelib.auth.principal import Principal
from chalicelib.auth.viewer import Viewer
from chalicelib.domain import contact_masking
from chalicelib.errors import ConflictError, ForbiddenError, NotFoundError
from chalicelib.models import reports, review_items
from chalicelib.models.writes import Writes
from chalicelib.usecases.reviews import reading

APPEAL_REASON = reports.APPEAL_REASON


def reply(principal: Principal, review_id: str, body: str) -> review_items.Review:
    review = reading.visible(review_id, Viewer.of(principal))
    if principal.user_id != review.reviewee.user_id:
        raise ForbiddenError("only the reviewee replies to a review")
    if review.published_at is None or review.hidden:
        raise ConflictError("a review is answered once it is published")
    if review.reply is not None:
        raise ConflictError("this review already has a reply")
    text = contact_masking.mask_contacts(body).text
    answer = {"body": text, "created_at": clock.to_rfc3339(clock.now())}
    writes = Writes()
    review_items.reply_in(writes, review.id, answer)
    writes.commit("this review already has a reply")
    return replace(review, reply=answer)


def _set_hidden(review_id: str, hidden: bool) -> review_items.Review:
    review = review_items.get(review_id) if ids.is_valid_id(review_id) else None
    if review is None:
        raise NotFoundError("review not found")
    if review.published_at is None:
        raise ConflictError("only a published review is hidden or restored")
    if review.hidden == hidden:
        raise ConflictError("the review is already " + ("hidden" if hidden else "shown"))
    writes = Writes()
    review_items.set_hidden_in(writes, review, hidden, clock.now())
    writes.commit("the review was moderated meanwhile")
    return replace(review, hidden=hidden)


def hide(review_id: str) -> review_items.Review:
    """Moderation's decision (an admin's): the review leaves its reviewee's list, and its
    stars leave the sums, in one transaction."""
    return _set_hidden(review_id, True)


def restore(review_id: str) -> review_items.Review:
    """An upheld appeal: the review and its stars come back."""
    return _set_hidden(review_id, False)


def appeal(principal: Principal, review_id: str, reason: str) -> reports.Report:
    review = reading.visible(review_id, Viewer.of(principal))
    if principal.user_id != review.author_id:
        raise ForbiddenError("only the author appeals a review")
    if not review.hidden:
        raise ConflictError("only a hidden review is appealed")
    if review.appealed_at is not None:
        raise ConflictError("this review was already appealed")
    now = clock.now()
    queued = reports.Report(
        id=ids.new_id(),
        reporter_id=principal.user_id,
        target_type="review",
        target_id=review.id,
        reason=APPEAL_REASON,
        details=reason,
        state=reports.OPEN,
        created_at=now,
    )
    writes = Writes()
    review_items.appeal_in(writes, review.id, now)
    reports.create_in(writes, queued)
    writes.commit("this review was already appealed")
    return queued
