"""Posting a review: one GetItem (the subject), one BatchGetItem (both parties' slots) and
one transaction. The first review of a subject stays blind and arms the window's timer;
the second publishes both at once, with the sums, and disarms it."""

from __future__ import annotations

from dataclasses import replace

from chalicelib import clock, ids
from chalicelib.auth.principal import Principal
from chalicelib.domain import contact_masking
from chalicelib.domain import reviews as rules
from chalicelib.errors import ConflictError, ForbiddenError, NotFoundError
from chalicelib.models import review_items, subjects, timer_items
from chalicelib.models.subjects import Subject
from chalicelib.models.writes import TransactionConflictError, Writes
from chalicelib.schemas.reviews import ReviewCreate
from chalicelib.usecases.reviews import events, publication

# A racing other party is the one conflict worth another go: the retry reads their review
# and publishes both.
ATTEMPTS = 3


def _subject(principal: Principal, subject_type: str, subject_id: str) -> tuple[Subject, str]:
    subject = subjects.get(subject_type, subject_id) if ids.is_valid_id(subject_id) else None
    if subject is None:
        raise NotFoundError(f"{subject_type} not found")
    if principal.user_id == subject.customer_id:
        return subject, rules.CUSTOMER
    if principal.user_id == subject.talent_user_id:
        return subject, rules.TALENT
    if principal.is_admin:
        raise ForbiddenError(f"only the parties of a {subject_type} review it")
    raise NotFoundError(f"{subject_type} not found")


def _check_window(subject: Subject) -> None:
    if subject.state != rules.COMPLETED:
        raise ConflictError(f"a {subject.type} is reviewed once it is completed")
    if not rules.within_window(subject.entered_at, clock.now()):
        raise ConflictError("the review window (14 days after completion) has closed")


def _compose(
    principal: Principal, subject: Subject, role: str, body: ReviewCreate
) -> review_items.Review:
    comment, masked = body.comment, False
    if comment:
        result = contact_masking.mask_contacts(comment)
        comment, masked = result.text, result.masked
    return review_items.Review(
        id=ids.new_id(),
        subject_type=subject.type,
        subject_id=subject.id,
        author_id=principal.user_id,
        author_role=role,
        reviewee=rules.reviewee_of(
            role, subject.customer_id, subject.talent_id, subject.talent_user_id
        ),
        rating=body.rating,
        sub_ratings=body.sub_ratings.given() if body.sub_ratings else {},
        comment=comment or None,
        masked=masked,
        created_at=clock.now(),
    )


def post(principal: Principal, body: ReviewCreate) -> review_items.Review:
    subject, role = _subject(principal, body.subject.type, body.subject.id)
    _check_window(subject)
    for attempt in range(ATTEMPTS):
        try:
            return _attempt(principal, subject, role, body)
        except TransactionConflictError as conflict:
            if review_items.SLOT_LABEL in conflict.labels:
                raise ConflictError(f"you already reviewed this {subject.type}") from None
            if attempt == ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def _announce_in(
    writes: Writes, detail_type: str, review: review_items.Review
) -> timer_items.TimerItem:
    return events.add_in(
        writes,
        detail_type,
        review_id=review.id,
        author_id=review.author_id,
        reviewee_id=review.reviewee.user_id,
        subject={"type": review.subject_type, "id": review.subject_id},
    )


def _attempt(
    principal: Principal, subject: Subject, role: str, body: ReviewCreate
) -> review_items.Review:
    slots = publication.read_slots(subject.type, subject.id)
    if role in slots:
        raise ConflictError(f"you already reviewed this {subject.type}")
    other = slots.get(rules.other_role(role))
    if other is not None and other.published:
        raise ConflictError("the review window has closed")
    review = _compose(principal, subject, role, body)
    about = {"type": subject.type, "id": subject.id}
    writes = Writes()
    published = []
    if other is None:
        review_items.require_no_slot_in(writes, subject.type, subject.id, rules.other_role(role))
        publication.arm_in(writes, subject.type, subject.id, subject.entered_at)
    else:
        review = replace(review, published_at=review.created_at)
        published.append(publication.publish_slot_in(writes, about, other, review.created_at))
        publication.disarm_in(writes, subject.type, subject.id)
        published.append(_announce_in(writes, events.REVIEW_PUBLISHED, review))
    review_items.create_in(writes, review)
    received = _announce_in(writes, events.REVIEW_RECEIVED, review)
    writes.commit("the review changed meanwhile; retry")
    events.publish_now([received, *published])
    return review
