"""Reading reviews: one by id (blind to all but its author until published), and a
reviewee's published reviews, newest first; the first page adds the running sums read
from one item (two requests in all, never a recount)."""

from __future__ import annotations

from chalicelib import ids
from chalicelib.auth.viewer import Viewer
from chalicelib.domain import reviews as rules
from chalicelib.errors import NotFoundError
from chalicelib.models import reviews as store


def visible(review_id: str, viewer: Viewer) -> store.Review:
    review = store.get(review_id) if ids.is_valid_id(review_id) else None
    principal = viewer.principal if review is not None else None
    viewer_id = principal.user_id if principal is not None else None
    if review is None or not rules.may_read(review.visibility, viewer_id, viewer.is_admin):
        raise NotFoundError("review not found")
    return review


def published_of(
    reviewee_type: str, reviewee_id: str, limit: int, cursor: str | None
) -> tuple[list[store.Review], str | None, dict[str, int] | None]:
    if not ids.is_valid_id(reviewee_id):
        raise NotFoundError(f"{reviewee_type} not found")
    found, next_cursor = store.published_of(reviewee_type, reviewee_id, limit=limit, cursor=cursor)
    sums = store.reputation(reviewee_type, reviewee_id) if cursor is None else None
    return found, next_cursor, sums
