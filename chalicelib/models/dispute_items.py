"""A dispute's own items. The dispute itself is a process subject (`DISPUTE#<id>/STATE`,
process `dispute`, see models/subjects.py); its evidence and offers share its partition
(`EVIDENCE#<ulid>`, `OFFER#<ulid>`), so showing a dispute is one Query of that partition.

Two kinds of index items, written in the transactions that move the dispute:
- each party's list (`DISPUTES_OF#<user>/<opened>#<id>`), written once at the opening, so
  "my disputes" is one Query (newest first) and one BatchGetItem of the subjects;
- the admin queue (`DISPUTE_QUEUE#<state>/<deadline>#<id>`), moved on every transition,
  so the admin list by state, ordered by deadline, is one Query."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pynamodb.attributes import (
    JSONAttribute,
    ListAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)

from chalicelib.models import keys, pagination, subjects
from chalicelib.models.base import Item
from chalicelib.models.subjects import Subject
from chalicelib.models.writes import Writes, delete, save

DISPUTE = "dispute"
EVIDENCE_PREFIX = "EVIDENCE#"
OFFER_PREFIX = "OFFER#"
OPEN, REPLACED, ACCEPTED = "open", "replaced", "accepted"


def dispute_pk(dispute_id: str) -> str:
    return keys.subject_pk(DISPUTE, dispute_id)


def evidence_sk(evidence_id: str) -> str:
    return f"{EVIDENCE_PREFIX}{evidence_id}"


def offer_sk(offer_id: str) -> str:
    return f"{OFFER_PREFIX}{offer_id}"


def party_pk(user_id: str) -> str:
    return f"DISPUTES_OF#{user_id}"


def queue_pk(state: str) -> str:
    return f"DISPUTE_QUEUE#{state}"


def by_time_sk(moment_iso: str, dispute_id: str) -> str:
    return f"{moment_iso}#{dispute_id}"


class EvidenceItem(Item, discriminator="dispute_evidence"):
    evidence_id = UnicodeAttribute()
    author_id = UnicodeAttribute()
    note = UnicodeAttribute()
    media_ids = ListAttribute[str](default=list)
    # Copies of the thread's messages as they were when shown: {id, sender_id, body, sent_at}.
    messages = JSONAttribute(default=list)
    created_at = UTCDateTimeAttribute()


class OfferItem(Item, discriminator="dispute_offer"):
    offer_id = UnicodeAttribute()
    by_user_id = UnicodeAttribute()
    refund_amount = NumberAttribute()
    currency = UnicodeAttribute()
    state = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()


class DisputeLinkItem(Item, discriminator="dispute_link"):
    """A party's entry in their dispute list, or the dispute's place in the admin queue."""

    dispute_id = UnicodeAttribute()


@dataclass(frozen=True)
class Evidence:
    id: str
    author_id: str
    note: str
    media_ids: tuple[str, ...]
    messages: list[dict[str, Any]]
    created_at: datetime


@dataclass(frozen=True)
class Offer:
    id: str
    by_user_id: str
    refund_amount: int
    currency: str
    state: str
    created_at: datetime


@dataclass(frozen=True)
class Dispute:
    subject: Subject
    evidence: list[Evidence]
    offers: list[Offer]

    @property
    def id(self) -> str:
        return self.subject.id

    def open_offer_of(self, user_id: str) -> Offer | None:
        return next((o for o in self.offers if o.by_user_id == user_id and o.state == OPEN), None)

    def offer(self, offer_id: str) -> Offer | None:
        return next((o for o in self.offers if o.id == offer_id), None)


def _evidence(item: EvidenceItem) -> Evidence:
    return Evidence(
        item.evidence_id,
        item.author_id,
        item.note,
        tuple(item.media_ids or ()),
        list(item.messages or []),
        item.created_at,
    )


def _offer(item: OfferItem) -> Offer:
    return Offer(
        item.offer_id,
        item.by_user_id,
        int(item.refund_amount),
        item.currency,
        item.state,
        item.created_at,
    )


def load(dispute_id: str) -> Dispute | None:
    """The dispute with its evidence and offers: one Query of its partition (its history
    events are skipped; they are listed by `/events`)."""
    subject: Subject | None = None
    evidence: list[Evidence] = []
    offers: list[Offer] = []
    for item in Item.query(dispute_pk(dispute_id), consistent_read=True):
        if isinstance(item, subjects.SubjectItem):
            subject = subjects.from_item(item)
        elif isinstance(item, EvidenceItem):
            evidence.append(_evidence(item))
        elif isinstance(item, OfferItem):
            offers.append(_offer(item))
    if subject is None:
        return None
    return Dispute(subject, evidence, offers)


def evidence_in(writes: Writes, dispute_id: str, evidence: Evidence) -> None:
    item = EvidenceItem(
        dispute_pk(dispute_id),
        evidence_sk(evidence.id),
        evidence_id=evidence.id,
        author_id=evidence.author_id,
        note=evidence.note,
        media_ids=list(evidence.media_ids),
        messages=evidence.messages,
        created_at=evidence.created_at,
    )
    writes.add((item.pk, item.sk), "evidence", save(item, EvidenceItem.pk.does_not_exist()))


def offer_in(writes: Writes, dispute_id: str, offer: Offer) -> None:
    item = OfferItem(
        dispute_pk(dispute_id),
        offer_sk(offer.id),
        offer_id=offer.id,
        by_user_id=offer.by_user_id,
        refund_amount=offer.refund_amount,
        currency=offer.currency,
        state=offer.state,
        created_at=offer.created_at,
    )
    writes.add((item.pk, item.sk), "offer", save(item, OfferItem.pk.does_not_exist()))


def close_offer_in(writes: Writes, dispute_id: str, offer_id: str, state: str) -> None:
    """An open offer becomes replaced or accepted, only if it is still open."""
    item = OfferItem(dispute_pk(dispute_id), offer_sk(offer_id))
    writes.add(
        (item.pk, item.sk),
        f"offer:{state}",
        lambda t: t.update(
            item, actions=[OfferItem.state.set(state)], condition=OfferItem.state == OPEN
        ),
    )


def party_links_in(writes: Writes, dispute_id: str, user_ids: list[str], opened_iso: str) -> None:
    for user_id in dict.fromkeys(user_ids):
        item = DisputeLinkItem(
            party_pk(user_id), by_time_sk(opened_iso, dispute_id), dispute_id=dispute_id
        )
        writes.add((item.pk, item.sk), "dispute-link", save(item))


def queue_in(
    writes: Writes,
    dispute_id: str,
    *,
    before: tuple[str, str] | None,
    after: tuple[str, str],
) -> None:
    """Moves the dispute's queue entry from (state, deadline) `before` to `after`."""
    if before is not None and before != after:
        old = DisputeLinkItem(queue_pk(before[0]), by_time_sk(before[1], dispute_id))
        writes.add((old.pk, old.sk), "queue-leave", delete(old))
    if before != after:
        new = DisputeLinkItem(
            queue_pk(after[0]), by_time_sk(after[1], dispute_id), dispute_id=dispute_id
        )
        writes.add((new.pk, new.sk), "queue-enter", save(new))


def _listed(
    partition: str, *, limit: int, cursor: str | None, newest_first: bool
) -> tuple[list[Subject], str | None]:
    results = DisputeLinkItem.query(
        partition,
        scan_index_forward=not newest_first,
        limit=limit,
        page_size=limit,
        last_evaluated_key=pagination.decode(cursor, {"PK": partition}),
    )
    dispute_ids = [item.dispute_id for item in results if isinstance(item, DisputeLinkItem)]
    found = subjects.get_many(DISPUTE, dispute_ids)
    return [found[i] for i in dispute_ids if i in found], pagination.encode(
        results.last_evaluated_key
    )


def of_user(user_id: str, *, limit: int, cursor: str | None) -> tuple[list[Subject], str | None]:
    return _listed(party_pk(user_id), limit=limit, cursor=cursor, newest_first=True)


def queue(state: str, *, limit: int, cursor: str | None) -> tuple[list[Subject], str | None]:
    """The admin list: disputes in `state`, the nearest deadline first."""
    return _listed(queue_pk(state), limit=limit, cursor=cursor, newest_first=False)
