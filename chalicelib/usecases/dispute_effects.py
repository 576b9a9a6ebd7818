"""The guards, effects and hook the dispute process (and the disputed subjects' `dispute`,
`resolve` and `dispute_settled` transitions) name.

Opening: the booking's or milestone's `dispute` creates the dispute subject, its parties'
list entries and its admin queue entry in the subject's own transaction. Resolving: the
dispute's `accept_offer`, `resolve_by_default` and `decide` take the subject's system
transition `dispute_settled` in the dispute's own transaction (`Change.move_other`: the
engine prepares it into the same writes), which splits the escrow: the refund owed back
over the payments that funded the subject, the rest to the talent less the fee. Those two
effects read the one other subject they move (a GetItem); nothing else reads."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib import clock, ids
from chalicelib.domain import disputes as rules
from chalicelib.errors import ValidationError
from chalicelib.models import dispute_items, exports, subjects
from chalicelib.models.subjects import Subject
from chalicelib.usecases import subject_writes
from chalicelib.usecases.effects import _currency, _paid, _settle
from chalicelib.usecases.process_registry import Catalogue, Change

CATALOGUE = Catalogue()
guard, effect, subject_hook = CATALOGUE.guard, CATALOGUE.effect, CATALOGUE.subject_hook

BY_TRANSITION = {"accept_offer": "agreement", "resolve_by_default": "default", "decide": "admin"}


def _iso(moment: datetime) -> str:
    return clock.to_rfc3339(moment)


@guard("escalation_open", "a dispute may be escalated 72 h after it was opened")
def _escalation_open(subject: Subject, now: datetime) -> bool:
    return subject.start_at is not None and rules.escalation_opens(subject.start_at) <= now


@effect("open_dispute")
def _open_dispute(change: Change) -> None:
    before = change.before
    dispute_id = ids.new_id()
    about_id = before.id if before.type == "booking" else str(before.data.get("contract_id"))
    title = before.data.get("service_title") or before.data.get("job_title")
    data: dict[str, Any] = {
        "subject": {"type": before.type, "id": before.id},
        "opened_by": change.caller.user_id,
        "opener_role": change.actor,
        "category": change.params["category"],
        "reason": change.params["reason"],
        "amount_in_dispute": {"amount": _paid(change), "currency": _currency(change)},
        "response_due_at": _iso(rules.response_due(change.now)),
        "thread_about": {"type": rules.THREAD_ABOUT[before.type], "id": about_id},
        "title": title or before.data.get("title"),
    }
    queued = ("awaiting_response", rules.deadline("awaiting_response", data, change.now))
    data["queue"] = list(queued)
    dispute = subject_writes.new_subject(
        "dispute",
        dispute_id,
        parties=(before.customer_id, before.talent_id, before.talent_user_id),
        data=data,
        # Admin exports of kind `disputes` page through them by opening day (A16).
        index_keys={**exports.export_index("dispute", change.now, dispute_id)},
        now=change.now,
        start_at=change.now,
    )
    subject_writes.create_in(change.writes, dispute, change.caller, change.actor, change.now)
    dispute_items.party_links_in(
        change.writes,
        dispute_id,
        [before.customer_id, before.talent_user_id],
        clock.to_rfc3339_precise(change.now),
    )
    dispute_items.queue_in(change.writes, dispute_id, before=None, after=queued)
    change.data["dispute_id"] = dispute_id


@effect("split_escrow")
def _split_escrow(change: Change) -> None:
    paid = _paid(change)
    refund = int(change.params["refund_amount"])
    if refund > paid:
        raise ValidationError(f"refund_amount cannot exceed the {paid} paid")
    by = str(change.params["by"])
    change.data["resolution"] = {
        "decision": "refund" if refund else "release",
        "refund_amount": refund,
        "released_amount": paid - refund,
        "currency": _currency(change),
        "note": None,
        "by": by,
    }
    _settle(
        change,
        to_talent=paid - refund,
        to_customer=refund,
        memo=f"dispute resolved: {by}",
        gated=True,
    )


def _in_dispute(data: dict[str, Any]) -> tuple[int, str]:
    money = data["amount_in_dispute"]
    return int(money["amount"]), str(money["currency"])


@effect("settle_subject")
def _settle_subject(change: Change) -> None:
    """An accepted offer, a default or an admin decision: the subject settles in this
    transaction, or (moved meanwhile) the whole resolution is refused."""
    data = change.data
    in_dispute, currency = _in_dispute(data)
    by = BY_TRANSITION[change.decision.transition.name]
    if by == "default":
        refund = rules.default_refund(str(data["opener_role"]), in_dispute)
    else:
        refund = int(change.params["refund_amount"])
    if refund > in_dispute:
        raise ValidationError(f"refund_amount cannot exceed the {in_dispute} in dispute")
    target = data["subject"]
    subject = subjects.require(target["type"], target["id"])
    params = {
        "refund_amount": refund,
        "by": by,
        "final": rules.final_state(subject.type, refund, in_dispute),
    }
    change.move_other(subject, "dispute_settled", params)
    data["outcome"] = rules.outcome(refund, in_dispute, currency, by)
    data["resolved_at"] = _iso(change.now)


@effect("record_outcome")
def _record_outcome(change: Change) -> None:
    in_dispute, currency = _in_dispute(change.data)
    refund = min(int(change.params["refund_amount"]), in_dispute)
    change.data["outcome"] = rules.outcome(refund, in_dispute, currency, str(change.params["by"]))
    change.data["resolved_at"] = _iso(change.now)


@effect("close_dispute")
def _close_dispute(change: Change) -> None:
    """The subject's own admin `resolve` (settled by `settle_dispute`, which runs first)
    resolves its dispute in the same transaction (the resolve's audit entry, written by
    transitions.prepare, carries the resolution)."""
    resolution = change.data.get("resolution") or {}
    dispute_id = change.data.get("dispute_id")
    dispute = subjects.get(dispute_items.DISPUTE, dispute_id) if dispute_id else None
    if dispute is None or dispute.state not in rules.OPEN_STATES:
        return
    params = {"refund_amount": int(resolution.get("refund_amount", 0)), "by": "admin"}
    change.move_other(dispute, "resolved_on_subject", params)


@effect("set_decision_due")
def _set_decision_due(change: Change) -> None:
    change.data["decision_due_at"] = _iso(change.now + rules.DECISION_TIME)


@subject_hook("dispute")
def _move_in_queue(change: Change) -> None:
    """The admin queue entry follows the dispute's state and deadline."""
    old = change.before.data.get("queue")
    target = change.decision.target
    new = (target, rules.deadline(target, change.data, change.now))
    dispute_items.queue_in(
        change.writes, change.before.id, before=(old[0], old[1]) if old else None, after=new
    )
    change.data["queue"] = list(new)
