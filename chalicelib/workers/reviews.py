"""Timer handlers of reviews: the end of a subject's review window publishes what was
written (usecases/reviews/publication.py)."""

from __future__ import annotations

from chalicelib.models import timer_items
from chalicelib.usecases.reviews import publication
from chalicelib.workers.timer_sweep import register


@register(publication.WINDOW_TIMER)
def close_review_window(timer: timer_items.Timer) -> None:
    publication.close_window(timer)
