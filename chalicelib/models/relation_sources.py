"""Where the relations backfill finds subjects (usecases/conversations/relations_backfill.py).

`of_customer` reads one customer's bookings and contracts (GSI1 `USER#<id>#BOOKINGS` /
`#CONTRACTS`) and each contract's milestones (GSI1 `CONTRACT#<id>#MILESTONES`): Queries
only. Every booking and contract has a customer, so the customers cover every relation.

`everything` pages the whole table for subject items: a Scan, for the one-off maintenance
command only (chalicelib/maintenance/backfill_relations.py), never a request or a worker."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from chalicelib.models import keys, subjects
from chalicelib.models.subjects import SubjectItem

PAGE = 100


@dataclass(frozen=True)
class Relation:
    """What the backfill needs of a subject."""

    type: str
    id: str
    state: str
    customer_id: str
    talent_user_id: str
    data: dict[str, Any]


def _of_subject(subject: subjects.Subject) -> Relation:
    return Relation(
        subject.type,
        subject.id,
        subject.state,
        subject.customer_id,
        subject.talent_user_id,
        subject.data,
    )


def _paged(index: str, partition: str) -> Iterator[subjects.Subject]:
    cursor: str | None = None
    while True:
        found, cursor = subjects.list_by_index(
            index, partition, limit=PAGE, cursor=cursor, newest_first=False
        )
        yield from found
        if cursor is None:
            return


def of_customer(user_id: str) -> Iterator[Relation]:
    for booking in _paged("gsi1", keys.subjects_of_user_gsi1pk(user_id, "booking")):
        yield _of_subject(booking)
    for contract in _paged("gsi1", keys.subjects_of_user_gsi1pk(user_id, "contract")):
        yield _of_subject(contract)
        for milestone in _paged("gsi1", keys.milestones_of_contract_gsi1pk(contract.id)):
            yield _of_subject(milestone)


def everything() -> Iterator[Relation]:
    """Every subject, page by page (maintenance only: this is a Scan)."""
    for item in SubjectItem.scan(SubjectItem.sk == keys.SUBJECT_SK, page_size=PAGE):
        if isinstance(item, SubjectItem):
            yield Relation(
                item.subject_type,
                item.subject_id,
                item.state,
                item.customer_id,
                item.talent_user_id,
                dict(item.data or {}),
            )
