"""The marketplace's processes (bookings, proposals, contracts, milestones), as data. A
new policy is a new definition or a new version here, not a new code path; a running
subject keeps the version it started with."""

from __future__ import annotations

from datetime import timedelta

from chalicelib.domain import disputes
from chalicelib.domain.dispute_process import DISPUTE_V1
from chalicelib.domain.process_engine import At, Param, Process, ReminderSpec, TimerSpec, Transition

HOUR = timedelta(hours=1)
DAY = timedelta(days=1)

_REASON = Param("reason", "string")
_REQUIRED_REASON = Param("reason", "string", required=True)
_DISPUTE = (
    Param("reason", "string", required=True),
    Param(
        "category",
        "string",
        required=True,
        choices=disputes.CATEGORIES,
    ),
)
_RESOLVE = (
    Param("decision", "string", required=True, choices=("release", "refund")),
    Param("refund_amount", "integer"),
    Param("note", "string"),
)
# How a dispute (process `dispute`) settles its subject: the refund, where the subject ends
# (`final`, per process) and by what (agreement, default, admin).
_BY = Param("by", "string", required=True, choices=disputes.BY)
_SETTLED = (Param("refund_amount", "integer", required=True), _BY)


def _t(
    name: str,
    sources: set[str],
    target: str,
    actors: set[str],
    **options: object,
) -> Transition:
    return Transition(name, frozenset(sources), target, frozenset(actors), **options)  # type: ignore[arg-type]


BOOKING_V1 = Process(
    name="booking",
    version=1,
    description="A service booking: request, accept or quote, pay, deliver, complete.",
    initial="requested",
    states=(
        "requested",
        "quoted",
        "accepted",
        "confirmed",
        "delivered",
        "completed",
        "declined",
        "expired",
        "cancelled",
        "disputed",
        "refunded",
    ),
    terminal=frozenset({"completed", "declined", "expired", "cancelled", "refunded"}),
    transitions=(
        _t("accept", {"requested"}, "accepted", {"talent"}, effects=("count_answered",)),
        _t(
            "quote",
            {"requested"},
            "quoted",
            {"talent"},
            params=(Param("price", "money", required=True), Param("note", "string")),
            effects=("set_price", "count_answered"),
        ),
        _t(
            "decline",
            {"requested"},
            "declined",
            {"talent"},
            params=(_REASON,),
            effects=("count_answered",),
        ),
        _t("expire", {"requested", "quoted", "accepted"}, "expired", {"system"}),
        # The talent's account was suspended by an admin: open requests are declined.
        _t("decline_suspended", {"requested", "quoted"}, "declined", {"system"}, params=(_REASON,)),
        _t("accept_quote", {"quoted"}, "accepted", {"customer"}),
        _t("decline_quote", {"quoted"}, "declined", {"customer"}, params=(_REASON,)),
        _t(
            "cancel",
            {"requested", "quoted", "accepted"},
            "cancelled",
            {"customer"},
            params=(_REASON,),
        ),
        _t(
            "cancel",
            {"confirmed"},
            "cancelled",
            {"customer", "talent"},
            params=(_REQUIRED_REASON,),
            effects=("release_day", "refund_by_policy"),
        ),
        _t(
            "payment_succeeded",
            {"accepted"},
            "confirmed",
            {"system"},
            params=(
                Param("payment_id", "string"),
                Param("provider", "string"),
            ),
            effects=("claim_day", "post_escrow"),
        ),
        # The day was confirmed for another booking first: the payment is refunded in full.
        _t(
            "slot_taken",
            {"accepted"},
            "cancelled",
            {"system"},
            params=(
                Param("payment_id", "string"),
                Param("provider", "string"),
            ),
            effects=("refund_in_full",),
        ),
        # The balance after a deposit: the booking stays confirmed, its balance timers go.
        _t(
            "balance_paid",
            {"confirmed"},
            "confirmed",
            {"system"},
            params=(
                Param("payment_id", "string"),
                Param("provider", "string"),
            ),
            guards=("balance_unpaid",),
            effects=("post_balance",),
        ),
        _t(
            "cancel_unpaid_balance",
            {"confirmed"},
            "cancelled",
            {"system"},
            guards=("balance_unpaid",),
            effects=("release_day", "refund_by_policy"),
        ),
        # A report-required booking's delivery arms its report nudges (usecases/qc/nudges.py).
        _t(
            "mark_delivered",
            {"confirmed"},
            "delivered",
            {"talent", "system"},
            guards=("started",),
            effects=("open_qc",),
        ),
        _t(
            "confirm_completion",
            {"delivered"},
            "completed",
            {"customer"},
            effects=("release_escrow", "count_completed"),
        ),
        _t(
            "auto_complete",
            {"delivered"},
            "completed",
            {"system"},
            effects=("release_escrow", "count_completed"),
        ),
        _t(
            "dispute",
            {"confirmed", "delivered"},
            "disputed",
            {"customer"},
            params=_DISPUTE,
            effects=("open_dispute",),
        ),
        _t(
            "resolve",
            {"disputed"},
            "completed",
            {"admin"},
            params=_RESOLVE,
            target_by=("decision", {"release": "completed", "refund": "refunded"}),
            effects=("settle_dispute", "close_dispute"),
        ),
        # Taken by a dispute's resolution, in the dispute's own transaction.
        _t(
            "dispute_settled",
            {"disputed"},
            "completed",
            {"system"},
            params=(
                *_SETTLED,
                Param("final", "string", required=True, choices=("completed", "refunded")),
            ),
            target_by=("final", {"completed": "completed", "refunded": "refunded"}),
            effects=("split_escrow",),
        ),
    ),
    timers=(
        TimerSpec("expire_request", "requested", "expire", (At("entered", 48 * HOUR),)),
        TimerSpec("expire_quote", "quoted", "expire", (At("entered", 72 * HOUR),)),
        # Unpaid 24 h after acceptance, or by the start if that comes first.
        TimerSpec(
            "expire_unpaid",
            "accepted",
            "expire",
            (At("entered", 24 * HOUR), At("start", timedelta(0))),
        ),
        TimerSpec(
            "cancel_unpaid_balance",
            "confirmed",
            "cancel_unpaid_balance",
            (At("start", -48 * HOUR),),
            when="balance_unpaid",
        ),
        TimerSpec("deliver_at_end", "confirmed", "mark_delivered", (At("end", timedelta(0)),)),
        TimerSpec("auto_complete", "delivered", "auto_complete", (At("entered", 72 * HOUR),)),
    ),
    reminders=(
        ReminderSpec("request_pending_24h", "requested", At("entered", 24 * HOUR), ("talent",)),
        ReminderSpec("request_pending_48h", "requested", At("entered", 47 * HOUR), ("talent",)),
        ReminderSpec(
            "balance_due", "confirmed", At("start", -7 * DAY), ("customer",), when="balance_unpaid"
        ),
        ReminderSpec(
            "starts_tomorrow", "confirmed", At("start", -24 * HOUR), ("customer", "talent")
        ),
    ),
)

MILESTONE_V1 = Process(
    name="milestone",
    version=1,
    description="A contract milestone: fund into escrow, submit, accept or revise, release.",
    initial="funding_required",
    states=(
        "funding_required",
        "funded",
        "submitted",
        "released",
        "disputed",
        "refunded",
        "cancelled",
    ),
    terminal=frozenset({"released", "refunded", "cancelled"}),
    transitions=(
        _t(
            "payment_succeeded",
            {"funding_required"},
            "funded",
            {"system"},
            params=(
                Param("payment_id", "string"),
                Param("provider", "string"),
            ),
            guards=("contract_active",),
            effects=("post_escrow",),
        ),
        _t("cancel", {"funding_required"}, "cancelled", {"customer", "talent"}, params=(_REASON,)),
        _t(
            "submit",
            {"funded"},
            "submitted",
            {"talent"},
            params=(
                Param("note", "string", required=True),
                Param("attachments", "media_ids", purposes=("attachment",)),
            ),
        ),
        _t("accept", {"submitted"}, "released", {"customer"}, effects=("release_escrow",)),
        _t("auto_approve", {"submitted"}, "released", {"system"}, effects=("release_escrow",)),
        _t(
            "request_revision",
            {"submitted"},
            "funded",
            {"customer"},
            params=(Param("feedback", "string", required=True),),
            guards=("revisions_remaining",),
            effects=("count_revision",),
        ),
        _t(
            "dispute",
            {"funded", "submitted"},
            "disputed",
            {"customer", "talent"},
            params=_DISPUTE,
            effects=("open_dispute",),
        ),
        _t(
            "resolve",
            {"disputed"},
            "released",
            {"admin"},
            params=_RESOLVE,
            target_by=("decision", {"release": "released", "refund": "refunded"}),
            effects=("settle_dispute", "close_dispute"),
        ),
        _t(
            "dispute_settled",
            {"disputed"},
            "released",
            {"system"},
            params=(
                *_SETTLED,
                Param("final", "string", required=True, choices=("released", "refunded")),
            ),
            target_by=("final", {"released": "released", "refunded": "refunded"}),
            effects=("split_escrow",),
        ),
    ),
    # Entering `submitted` again (after a revision) arms a fresh 72 h timer.
    timers=(TimerSpec("auto_approve", "submitted", "auto_approve", (At("entered", 72 * HOUR),)),),
    reminders=(ReminderSpec("approval_due", "submitted", At("entered", 48 * HOUR), ("customer",)),),
)

PROPOSAL_V1 = Process(
    name="proposal",
    version=1,
    description="A talent's proposal for a job: the job owner accepts or declines it.",
    initial="submitted",
    states=("submitted", "accepted", "declined", "withdrawn"),
    terminal=frozenset({"accepted", "declined", "withdrawn"}),
    transitions=(
        _t(
            "accept",
            {"submitted"},
            "accepted",
            {"customer"},
            guards=("job_open",),
            effects=("create_contract",),
        ),
        _t("decline", {"submitted"}, "declined", {"customer"}, params=(_REASON,)),
        _t("withdraw", {"submitted"}, "withdrawn", {"talent"}, params=(_REASON,)),
    ),
)

CONTRACT_V1 = Process(
    name="contract",
    version=1,
    description="A contract: active while any milestone is open.",
    initial="active",
    states=("active", "completed", "cancelled"),
    terminal=frozenset({"completed", "cancelled"}),
    transitions=(
        _t(
            "complete",
            {"active"},
            "completed",
            {"system"},
            guards=("all_milestones_settled",),
            effects=("count_completed",),
        ),
        _t(
            "cancel",
            {"active"},
            "cancelled",
            {"admin"},
            params=(_REQUIRED_REASON,),
            guards=("no_escrow",),
        ),
    ),
)

# Every version ever published stays here: subjects keep the version they started with.
REGISTRY: dict[tuple[str, int], Process] = {
    (p.name, p.version): p for p in (BOOKING_V1, MILESTONE_V1, PROPOSAL_V1, CONTRACT_V1, DISPUTE_V1)
}
CURRENT: dict[str, Process] = {}
for _process in REGISTRY.values():
    if _process.version >= CURRENT.get(_process.name, _process).version:
        CURRENT[_process.name] = _process


def get(name: str, version: int) -> Process:
    return REGISTRY[(name, version)]
