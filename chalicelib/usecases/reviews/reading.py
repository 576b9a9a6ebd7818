"""Reading reviews: one by id (blind to all but its author until published), and a
reviewee's published reviews, newest first; the first page adds the running sums read
from one item (two requests in all, never a recount)."""

from __future__ import annotations

from chalicelib import ids
from chalicelib.auth.viewer import Viewer
from chalicelib.domain import reviews as rules
from chalicelib.errors import NotFoundError
from chalicelib.models import keys, review_items
from chalicelib.models.talent import TalentItem
from chalicelib.models.thread_items import fetch


def visible(review_id: str, viewer: Viewer) -> review_items.Review:
    review = review_items.get(review_id) if ids.is_valid_id(review_id) else None
    principal = viewer.principal if review is not None else None
    viewer_id = principal.user_id if principal is not None else None
    if review is None or not rules.may_read(review.visibility, viewer_id, viewer.is_admin):
        raise NotFoundError("review not found")
    return review


def published_of(
    reviewee_type: str, reviewee_id: str, viewer: Viewer, limit: int, cursor: str | None
) -> tuple[list[review_items.Review], str | None, dict[str, int] | None]:
    """A page of a reviewee's published reviews, and on the first page its sums."""
    if not ids.is_valid_id(reviewee_id):
        raise NotFoundError(f"{reviewee_type} not found")
    sums = _talent_sums(reviewee_id, viewer, cursor) if reviewee_type == "talent" else None
    if reviewee_type != "talent" and cursor is None:
        sums = review_items.reputation(reviewee_type, reviewee_id)
    found, next_cursor = review_items.published_of(
        reviewee_type, reviewee_id, limit=limit, cursor=cursor
    )
    return found, next_cursor, sums


def _talent_sums(talent_id: str, viewer: Viewer, cursor: str | None) -> dict[str, int] | None:
    """One BatchGetItem: the profile (a deactivated or suspended talent's reviews are as
    private as its profile) and, for the first page, the sums."""
    profile_key = (keys.talent_pk(talent_id), keys.PROFILE_SK)
    sums_key = review_items.reputation_key(rules.REVIEWEE_TALENT, talent_id)
    found = fetch([profile_key] if cursor else [profile_key, sums_key])
    profile = found.get(profile_key)
    if not isinstance(profile, TalentItem):
        raise NotFoundError("talent not found")
    public = bool(profile.is_active) and not profile.is_suspended and not profile.hidden
    viewer.require_visible(public, profile.owner_user_id, "talent")
    if cursor:
        return None
    sums = found.get(sums_key)
    return review_items.sums_of(sums if isinstance(sums, review_items.ReputationItem) else None)
