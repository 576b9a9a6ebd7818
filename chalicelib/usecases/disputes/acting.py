"""What the parties and admins do to a dispute. Each is one transaction after at most two
reads (the dispute's partition, and one BatchGetItem of the media and messages evidence
names). The respondent's first evidence or offer is the dispute's `respond` transition;
the other moves are the process's own transitions (`accept_offer`, `escalate`, `decide`),
so states, actors and deadlines stay in the definition (domain/dispute_process.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from chalicelib import clock, ids
from chalicelib.auth.principal import Principal
from chalicelib.domain import disputes as rules
from chalicelib.errors import ConflictError, ForbiddenError, NotFoundError, ValidationError
from chalicelib.models import dispute_items, keys, subjects, thread_items
from chalicelib.models import media_items as media_store
from chalicelib.models.base import Item
from chalicelib.models.writes import Writes
from chalicelib.usecases import media_refs, transitions
from chalicelib.usecases.disputes.reading import as_party, view
from chalicelib.usecases.process_registry import Caller


def _require_open(dispute: dispute_items.Dispute) -> None:
    state = dispute.subject.state
    if state not in rules.OPEN_STATES:
        raise ConflictError(f"the dispute is {state}", {"state": state})


def _record(
    dispute: dispute_items.Dispute,
    principal: Principal,
    add: Callable[[Writes], None],
    *,
    evidence: list[dispute_items.Evidence] | None = None,
    offers: list[dispute_items.Offer] | None = None,
) -> dispute_items.Dispute:
    """The respondent's first answer moves the dispute to `negotiating`; anything else only
    adds, on the condition that the dispute is still in the state that was read. Returns
    the dispute as written (with the new `evidence` or `offers`), without reading it again."""
    subject = dispute.subject
    side = rules.role_of(subject.data, principal.user_id, subject.parties())
    if subject.state == "awaiting_response" and side == "respondent":
        subject = transitions.apply_to(subject, "respond", Caller(principal), {}, extra=add).subject
    else:
        writes = Writes()
        key = (keys.subject_pk(subject.type, subject.id), keys.SUBJECT_SK)
        writes.add(
            key,
            "dispute",
            lambda t: subjects.check_state_in(t, subject.type, subject.id, subject.state),
        )
        add(writes)
        writes.commit("the dispute changed meanwhile; reload and retry")
    return dispute_items.Dispute(
        subject,
        dispute.evidence if evidence is None else evidence,
        dispute.offers if offers is None else offers,
    )


def _with_state(
    offers: list[dispute_items.Offer], offer_id: str, state: str
) -> list[dispute_items.Offer]:
    return [replace(o, state=state) if o.id == offer_id else o for o in offers]


def _thread_id(subject: subjects.Subject) -> str:
    about = subject.data["thread_about"]
    participants = thread_items.ordered(subject.customer_id, subject.talent_user_id)
    return thread_items.thread_id_for(participants, str(about["type"]), str(about["id"]))


def _read_refs(
    subject: subjects.Subject, media_ids: list[str], message_ids: list[str]
) -> tuple[dict[str, media_store.Media | None], dict[str, thread_items.Message]]:
    """The named media and messages, in one BatchGetItem."""
    thread_id = _thread_id(subject)
    wanted = [(keys.media_pk(m), keys.MEDIA_SK) for m in media_ids]
    wanted += [(keys.thread_pk(thread_id), keys.message_sk(m)) for m in message_ids]
    found: dict[tuple[str, str], Item] = thread_items.fetch(wanted) if wanted else {}
    media: dict[str, media_store.Media | None] = {}
    for media_id in media_ids:
        item = found.get((keys.media_pk(media_id), keys.MEDIA_SK))
        media[media_id] = (
            media_store.to_media(item) if isinstance(item, media_store.MediaItem) else None
        )
    messages: dict[str, thread_items.Message] = {}
    for message_id in message_ids:
        item = found.get((keys.thread_pk(thread_id), keys.message_sk(message_id)))
        if isinstance(item, thread_items.MessageItem):
            messages[message_id] = thread_items.to_message(item)
    return media, messages


def _unique(field: str, values: list[str], most: int) -> None:
    if len(values) > most:
        raise ValidationError(f"{field} holds at most {most} ids", {"field": field})
    if len(set(values)) != len(values):
        raise ValidationError(f"{field} names an id more than once", {"field": field})


def add_evidence(
    principal: Principal,
    dispute_id: str,
    note: str,
    media_ids: list[str],
    message_ids: list[str],
) -> dispute_items.Dispute:
    _unique("media_ids", media_ids, rules.MAX_MEDIA)
    _unique("message_ids", message_ids, rules.MAX_MESSAGES)
    dispute = as_party(dispute_id, principal)
    _require_open(dispute)
    media, messages = _read_refs(dispute.subject, media_ids, message_ids)
    media_refs.check_own_verified("media_ids", media_ids, media, principal.user_id, ("evidence",))
    missing = [m for m in message_ids if m not in messages]
    if missing:
        raise ValidationError(
            "message_ids: not messages of the subject's thread",
            {"field": "message_ids", "message_ids": missing},
        )
    copies: list[dict[str, Any]] = [
        {
            "id": m.id,
            "sender_id": m.sender_id,
            "body": m.body,
            "sent_at": clock.to_rfc3339(m.created_at),
        }
        for m in (messages[i] for i in message_ids)
    ]
    evidence = dispute_items.Evidence(
        ids.new_id(), principal.user_id, note, tuple(media_ids), copies, clock.now()
    )
    return _record(
        dispute,
        principal,
        lambda w: dispute_items.evidence_in(w, dispute_id, evidence),
        evidence=[*dispute.evidence, evidence],
    )


def make_offer(
    principal: Principal, dispute_id: str, refund: dict[str, Any]
) -> dispute_items.Dispute:
    dispute = as_party(dispute_id, principal)
    _require_open(dispute)
    in_dispute = dispute.subject.data["amount_in_dispute"]
    amount = rules.check_refund(refund, in_dispute)
    offer = dispute_items.Offer(
        ids.new_id(),
        principal.user_id,
        amount,
        str(in_dispute["currency"]),
        dispute_items.OPEN,
        clock.now(),
    )
    replaced = dispute.open_offer_of(principal.user_id)

    def add(writes: Writes) -> None:
        if replaced is not None:
            dispute_items.close_offer_in(writes, dispute_id, replaced.id, dispute_items.REPLACED)
        dispute_items.offer_in(writes, dispute_id, offer)

    offers = (
        dispute.offers
        if replaced is None
        else _with_state(dispute.offers, replaced.id, dispute_items.REPLACED)
    )
    return _record(dispute, principal, add, offers=[*offers, offer])


def accept_offer(principal: Principal, dispute_id: str, offer_id: str) -> dispute_items.Dispute:
    dispute = as_party(dispute_id, principal)
    offer = dispute.offer(offer_id)
    if offer is None:
        raise NotFoundError("offer not found")
    if offer.by_user_id == principal.user_id:
        raise ForbiddenError("an offer is accepted by the other party")
    _require_open(dispute)
    if offer.state != dispute_items.OPEN:
        raise ConflictError(f"the offer is {offer.state}", {"offer_state": offer.state})
    outcome = transitions.apply_to(
        dispute.subject,
        "accept_offer",
        Caller(principal),
        {"offer_id": offer.id, "refund_amount": offer.refund_amount},
        extra=lambda w: dispute_items.close_offer_in(
            w, dispute_id, offer.id, dispute_items.ACCEPTED
        ),
    )
    offers = _with_state(dispute.offers, offer.id, dispute_items.ACCEPTED)
    return dispute_items.Dispute(outcome.subject, dispute.evidence, offers)


def escalate(principal: Principal, dispute_id: str) -> dispute_items.Dispute:
    dispute = as_party(dispute_id, principal)
    outcome = transitions.apply_to(dispute.subject, "escalate", Caller(principal), {})
    return dispute_items.Dispute(outcome.subject, dispute.evidence, dispute.offers)


def decide(
    principal: Principal, dispute_id: str, refund: dict[str, Any], note: str
) -> dispute_items.Dispute:
    principal.require_admin()
    dispute = view(dispute_id, principal)
    amount = rules.check_refund(refund, dispute.subject.data["amount_in_dispute"])
    outcome = transitions.apply_to(
        dispute.subject, "decide", Caller(principal), {"refund_amount": amount, "note": note}
    )
    return dispute_items.Dispute(outcome.subject, dispute.evidence, dispute.offers)
