"""Which domain event tells whom what: ONE declarative table.

A row says, for one trigger, the notification `kind` (its public `type`), the template (its
title and body messages in the catalogues), who is told (roles the worker resolves from the
event), what the `link` points at, the channels, and whether it is transactional
(receipts, refunds, dispute deadlines: emailed whatever the preferences say). Pure data: the
worker (workers/notifications.py) only follows it, and a trigger without a row tells nobody.
"""

from __future__ import annotations

from dataclasses import dataclass

# Roles the worker resolves from an event:
#   customer, talent      the subject's parties
#   counterpart           the parties other than the user who acted (both when the system did)
#   recipient             a message's recipient
#   reviewee, author      a review's two people
#   notify                a reminder's own list of roles (its ReminderSpec.notify)
ROLES = frozenset(
    {"customer", "talent", "counterpart", "recipient", "reviewee", "author", "notify"}
)
CHANNELS = frozenset({"in_app", "email"})
LINK_TYPES = frozenset(
    {"booking", "payment", "proposal", "contract", "milestone", "thread", "review", "dispute"}
    | {"payout"}
)

KINDS = (
    "booking.requested",
    "booking.quoted",
    "booking.accepted",
    "booking.declined",
    "booking.confirmed",
    "booking.cancelled",
    "booking.delivered",
    "booking.completed",
    "booking.reminder",
    "payment.succeeded",
    "payment.failed",
    "payment.refunded",
    "proposal.received",
    "proposal.accepted",
    "milestone.funded",
    "milestone.submitted",
    "milestone.revision_requested",
    "milestone.released",
    "message.received",
    "review.received",
    "review.published",
    "dispute.opened",
    "dispute.response_due",
    "dispute.resolved",
    "payout.paid",
    "report.reminder",
    "report.revise",
    "report.passed",
)


@dataclass(frozen=True)
class Rule:
    kind: str
    template: str
    recipients: tuple[str, ...]
    link: str
    transactional: bool = False
    channels: tuple[str, ...] = ("in_app", "email")


# A trigger: (detail-type, qualifier). For process.transition the qualifier is
# "<subject type>:<transition>", for process.reminder the reminder's name; other events
# have none ("").
Trigger = tuple[str, str]

TRANSITION = "process.transition"
REMINDER = "process.reminder"


def _t(subject_type: str, transition: str) -> Trigger:
    return (TRANSITION, f"{subject_type}:{transition}")


def _r(reminder: str) -> Trigger:
    return (REMINDER, reminder)


TABLE: dict[Trigger, tuple[Rule, ...]] = {
    # Bookings.
    _t("booking", "create"): (
        Rule("booking.requested", "booking.requested", ("talent",), "booking"),
    ),
    _t("booking", "quote"): (Rule("booking.quoted", "booking.quoted", ("customer",), "booking"),),
    _t("booking", "accept"): (
        Rule("booking.accepted", "booking.accepted", ("customer",), "booking"),
    ),
    _t("booking", "accept_quote"): (
        Rule("booking.accepted", "booking.quote_accepted", ("talent",), "booking"),
    ),
    _t("booking", "decline"): (
        Rule("booking.declined", "booking.declined", ("customer",), "booking"),
    ),
    _t("booking", "decline_suspended"): (
        Rule("booking.declined", "booking.declined", ("customer",), "booking"),
    ),
    _t("booking", "decline_quote"): (
        Rule("booking.declined", "booking.quote_declined", ("talent",), "booking"),
    ),
    _t("booking", "expire"): (
        Rule("booking.cancelled", "booking.expired", ("customer", "talent"), "booking"),
    ),
    _t("booking", "cancel"): (
        Rule("booking.cancelled", "booking.cancelled", ("counterpart",), "booking"),
    ),
    _t("booking", "cancel_unpaid_balance"): (
        Rule("booking.cancelled", "booking.cancelled_unpaid", ("customer", "talent"), "booking"),
    ),
    _t("booking", "slot_taken"): (
        Rule("booking.cancelled", "booking.slot_taken", ("customer",), "booking", True),
    ),
    _t("booking", "payment_succeeded"): (
        Rule("payment.succeeded", "payment.succeeded", ("customer",), "booking", True),
        Rule("booking.confirmed", "booking.confirmed", ("talent",), "booking"),
    ),
    _t("booking", "balance_paid"): (
        Rule("payment.succeeded", "payment.balance_paid", ("customer",), "booking", True),
    ),
    _t("booking", "mark_delivered"): (
        Rule("booking.delivered", "booking.delivered", ("customer",), "booking"),
    ),
    _t("booking", "confirm_completion"): (
        Rule("booking.completed", "booking.completed", ("talent",), "booking"),
    ),
    _t("booking", "auto_complete"): (
        Rule("booking.completed", "booking.completed", ("customer", "talent"), "booking"),
    ),
    # Proposals and milestones.
    _t("proposal", "create"): (
        Rule("proposal.received", "proposal.received", ("customer",), "proposal"),
    ),
    _t("proposal", "accept"): (
        Rule("proposal.accepted", "proposal.accepted", ("talent",), "proposal"),
    ),
    _t("milestone", "payment_succeeded"): (
        Rule("payment.succeeded", "payment.milestone_funded", ("customer",), "milestone", True),
        Rule("milestone.funded", "milestone.funded", ("talent",), "milestone"),
    ),
    _t("milestone", "submit"): (
        Rule("milestone.submitted", "milestone.submitted", ("customer",), "milestone"),
    ),
    _t("milestone", "request_revision"): (
        Rule(
            "milestone.revision_requested", "milestone.revision_requested", ("talent",), "milestone"
        ),
    ),
    _t("milestone", "accept"): (
        Rule("milestone.released", "milestone.released", ("talent",), "milestone"),
    ),
    _t("milestone", "auto_approve"): (
        Rule("milestone.released", "milestone.released", ("customer", "talent"), "milestone"),
    ),
    # Reminders (process.reminder, armed by the processes' ReminderSpecs).
    _r("request_pending_24h"): (
        Rule("booking.reminder", "reminder.request_pending_24h", ("notify",), "booking"),
    ),
    _r("request_pending_48h"): (
        Rule("booking.reminder", "reminder.request_pending_48h", ("notify",), "booking"),
    ),
    _r("balance_due"): (
        Rule("booking.reminder", "reminder.balance_due", ("notify",), "booking", True),
    ),
    _r("starts_tomorrow"): (
        Rule("booking.reminder", "reminder.starts_tomorrow", ("notify",), "booking"),
    ),
    _r("approval_due"): (
        Rule("milestone.submitted", "reminder.approval_due", ("notify",), "milestone"),
    ),
    # Delivery reports (usecases/qc): nudges while none is posted, and QC's verdicts.
    _r("report_due_24h"): (
        Rule("report.reminder", "reminder.report_due_24h", ("notify",), "booking"),
    ),
    _r("report_due_48h"): (
        Rule("report.reminder", "reminder.report_due_48h", ("notify",), "booking"),
    ),
    ("qc.revise_requested", ""): (Rule("report.revise", "qc.revise", ("talent",), "booking"),),
    ("qc.passed", ""): (Rule("report.passed", "qc.passed", ("talent",), "booking"),),
    # Messages: in-app at once; the email is a delayed check (workers/notifications.py).
    ("message.created", ""): (
        Rule("message.received", "message.received", ("recipient",), "thread"),
    ),
    # Reviews (published by the reviews capability).
    ("review.received", ""): (Rule("review.received", "review.received", ("reviewee",), "review"),),
    ("review.published", ""): (
        Rule("review.published", "review.published", ("reviewee", "author"), "review"),
    ),
    # Money events outside the processes.
    ("payment.failed", ""): (Rule("payment.failed", "payment.failed", ("customer",), "payment"),),
    ("payment.refunded", ""): (
        Rule("payment.refunded", "payment.refunded", ("customer",), "payment", True),
    ),
    ("payout.paid", ""): (Rule("payout.paid", "payout.paid", ("talent",), "payout", True),),
    # Disputes (a process of their own): opened, to the other party; resolved however, to
    # both. The respondent's deadline reminder (timers of the dispute process) is its own
    # event. Dispute deadlines and outcomes are always emailed.
    _t("dispute", "create"): (
        Rule("dispute.opened", "dispute.opened", ("counterpart",), "dispute", True),
    ),
    **{
        _t("dispute", resolution): (
            Rule("dispute.resolved", "dispute.resolved", ("customer", "talent"), "dispute", True),
        )
        for resolution in ("accept_offer", "resolve_by_default", "decide", "resolved_on_subject")
    },
    ("dispute.response_due", ""): (
        Rule("dispute.response_due", "dispute.response_due", ("counterpart",), "dispute", True),
    ),
}

DETAIL_TYPES = frozenset(detail_type for detail_type, _ in TABLE)


def trigger_of(detail_type: str, detail: dict[str, object]) -> Trigger:
    if detail_type == TRANSITION:
        subject = detail.get("subject")
        subject_type = subject.get("type") if isinstance(subject, dict) else None
        return (detail_type, f"{subject_type}:{detail.get('transition')}")
    if detail_type == REMINDER:
        return (detail_type, str(detail.get("reminder")))
    return (detail_type, "")


def rules_for(detail_type: str, detail: dict[str, object]) -> tuple[Rule, ...]:
    """The rows of a trigger; none for an event that tells nobody (a contract's creation)."""
    return TABLE.get(trigger_of(detail_type, detail), ())


def always_sent() -> frozenset[str]:
    """Kinds whose every row is transactional: muting them would change nothing."""
    kinds: dict[str, bool] = {}
    for rules in TABLE.values():
        for rule in rules:
            kinds[rule.kind] = kinds.get(rule.kind, True) and rule.transactional
    return frozenset(kind for kind, fixed in kinds.items() if fixed)


def check_table() -> None:
    """Every row names known roles, channels, links and an API kind (run by the unit tests
    and at the worker's first use)."""
    for trigger, rules in TABLE.items():
        for rule in rules:
            problems = [
                *(f"role {r}" for r in rule.recipients if r not in ROLES),
                *(f"channel {c}" for c in rule.channels if c not in CHANNELS),
                *([f"link {rule.link}"] if rule.link not in LINK_TYPES else []),
                *([f"kind {rule.kind}"] if rule.kind not in KINDS else []),
            ]
            if problems:
                raise ValueError(f"notification table row {trigger}: unknown {', '.join(problems)}")
