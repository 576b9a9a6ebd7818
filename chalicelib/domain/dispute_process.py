"""The dispute process, as data (registered with the others in `processes.REGISTRY`)."""

from __future__ import annotations

from chalicelib.domain import disputes
from chalicelib.domain.process_engine import At, Param, Process, ReminderSpec, TimerSpec, Transition

_SETTLED = (
    Param("refund_amount", "integer", required=True),
    Param("by", "string", required=True, choices=disputes.BY),
)


def _t(
    name: str,
    sources: set[str],
    target: str,
    actors: set[str],
    **options: object,
) -> Transition:
    return Transition(name, frozenset(sources), target, frozenset(actors), **options)  # type: ignore[arg-type]


_OPEN = {"awaiting_response", "negotiating", "escalated"}

DISPUTE_V1 = Process(
    name="dispute",
    version=1,
    description="A dispute about a booking or milestone: answer, negotiate, escalate, resolve. "
    "Its customer and talent are the disputed subject's; the opener and the respondent are "
    "told apart by the dispute use cases (data.opened_by).",
    initial="awaiting_response",
    states=disputes.STATES,
    terminal=frozenset({"resolved"}),
    transitions=(
        # The respondent's first evidence or offer (the use case checks the side).
        _t("respond", {"awaiting_response"}, "negotiating", {"customer", "talent"}),
        _t(
            "escalate",
            {"negotiating"},
            "escalated",
            {"customer", "talent"},
            guards=("escalation_open",),
            effects=("set_decision_due",),
        ),
        # The other party accepts an open offer (the use case checks the offer and its maker).
        _t(
            "accept_offer",
            _OPEN,
            "resolved",
            {"customer", "talent"},
            params=(
                Param("offer_id", "string", required=True),
                Param("refund_amount", "integer", required=True),
            ),
            effects=("settle_subject",),
        ),
        # Silence until response_due_at: resolved for the opener.
        _t(
            "resolve_by_default",
            {"awaiting_response"},
            "resolved",
            {"system"},
            effects=("settle_subject",),
        ),
        _t(
            "decide",
            {"escalated"},
            "resolved",
            {"admin"},
            params=(
                Param("refund_amount", "integer", required=True),
                Param("note", "string", required=True),
            ),
            effects=("settle_subject",),
        ),
        # The subject was settled by its own admin `resolve`: the dispute only records it.
        _t(
            "resolved_on_subject",
            _OPEN,
            "resolved",
            {"system"},
            params=_SETTLED,
            effects=("record_outcome",),
        ),
    ),
    timers=(
        TimerSpec(
            "resolve_by_default",
            "awaiting_response",
            "resolve_by_default",
            (At("start", disputes.RESPONSE_TIME),),
        ),
    ),
    reminders=(
        ReminderSpec(
            "dispute_response_due",
            "awaiting_response",
            At("start", disputes.REMINDER_AT),
            ("customer", "talent"),
        ),
    ),
)
