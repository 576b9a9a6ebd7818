"""Pure rules of conversations: who talks about what, body limits, spam fingerprints."""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

ABOUT_TYPES = ("talent", "booking", "job", "proposal", "contract")
SUBJECT_ABOUT_TYPES = frozenset({"booking", "proposal", "contract"})
MAX_BODY_CHARS = 5000
MAX_ATTACHMENTS = 10
NEW_ACCOUNT_AGE = timedelta(hours=24)
ATTACHMENT_PURPOSE = "attachment"
# "Thanks!" or "ok" to three people in an hour is manners, not spam: only bodies at least
# this long (normalised) count towards the same-body limit.
SAME_BODY_MIN_CHARS = 20
# The same body to a third different person within a sliding hour is refused.
SAME_BODY_MAX_RECIPIENTS = 2
SAME_BODY_WINDOW = timedelta(hours=1)


def _folded(body: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", body).casefold().split())


def body_fingerprint(body: str) -> str | None:
    """The same text however it is cased, spaced or composed: copy-paste spam with a changed
    capital or an extra space is still the same body. None for a body too short to count."""
    folded = _folded(body)
    if len(folded) < SAME_BODY_MIN_CHARS:
        return None
    return hashlib.sha256(folded.encode()).hexdigest()[:32]


def is_new_account(created_at: datetime, now: datetime, established: bool) -> bool:
    """Younger than 24 h, or nothing completed yet: limited in how many threads it opens."""
    return now - created_at < NEW_ACCOUNT_AGE or not established


def seconds_until(moment: datetime, now: datetime) -> int:
    return max(1, int((moment - now).total_seconds()) + 1)


@dataclass(frozen=True)
class SameBodyVerdict:
    """`recent` is what to keep: the recipients still inside the window, with this one at
    `now` when allowed. `retry_at` is when a new recipient would be allowed, if refused."""

    allowed: bool
    recent: dict[str, datetime]
    retry_at: datetime | None


def same_body_verdict(
    recent: Mapping[str, datetime], recipient: str, now: datetime
) -> SameBodyVerdict:
    """A sliding hour, not a clock hour: two sends at 10:59 and one at 11:01 are three
    within an hour. Sending again to someone already counted is always fine."""
    kept = {who: at for who, at in recent.items() if now - at < SAME_BODY_WINDOW}
    if recipient in kept or len(kept) < SAME_BODY_MAX_RECIPIENTS:
        return SameBodyVerdict(True, {**kept, recipient: now}, None)
    times = sorted(kept.values())
    # The oldest sends must leave the window until only MAX - 1 remain.
    retry_at = times[len(times) - SAME_BODY_MAX_RECIPIENTS] + SAME_BODY_WINDOW
    return SameBodyVerdict(False, kept, retry_at)


# The facts contact masking and the new-account rule depend on, as subject states: money
# went into escrow between the two (a confirmed booking, a funded milestone, and every
# state after those), or the subject completed.
PAID_STATES = {
    "booking": frozenset({"confirmed", "delivered", "completed", "disputed", "refunded"}),
    "milestone": frozenset({"funded", "submitted", "released", "disputed", "refunded"}),
}
COMPLETED_STATES = {"booking": frozenset({"completed"}), "contract": frozenset({"completed"})}


def relation_facts(subject_type: str, state: str, data: Mapping[str, object]) -> tuple[bool, bool]:
    """(paid, completed) of a subject as it stands: what the conversations worker would have
    recorded from its transitions. A subject that remembers a payment was paid even if it
    was cancelled afterwards."""
    paid_states = PAID_STATES.get(subject_type)
    paid = paid_states is not None and (
        state in paid_states or bool(data.get("payments") or data.get("paid"))
    )
    completed = state in COMPLETED_STATES.get(subject_type, frozenset())
    return paid, completed
