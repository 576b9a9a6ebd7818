"""Process subjects: bookings, proposals, contracts and milestones share one shape (a state,
a version, the process version they started with, their parties and their data), and one
store. A subject's history events live in its partition (models/subject_events.py).

Every change to a subject is a transaction built by `chalicelib.usecases.transitions`,
conditioned on the state and version read: two racing transitions leave one winner."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from pynamodb.attributes import (
    JSONAttribute,
    ListAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.exceptions import DoesNotExist
from pynamodb.transactions import TransactWrite

from chalicelib.errors import NotFoundError
from chalicelib.models import keys, pagination
from chalicelib.models.base import Item

SUBJECT_TYPES = ("booking", "proposal", "contract", "milestone", "dispute")


class SubjectItem(Item, discriminator="subject"):
    subject_type = UnicodeAttribute()
    subject_id = UnicodeAttribute()
    process = UnicodeAttribute()
    process_version = NumberAttribute()
    state = UnicodeAttribute()
    version = NumberAttribute()
    entered_at = UTCDateTimeAttribute()
    customer_id = UnicodeAttribute()
    talent_id = UnicodeAttribute()
    talent_user_id = UnicodeAttribute()
    start_at = UTCDateTimeAttribute(null=True)
    end_at = UTCDateTimeAttribute(null=True)
    data = JSONAttribute(default=dict)
    armed_timers = ListAttribute[str](default=list)
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    # A contract's milestones not yet settled, and those holding escrow: moved by ADDs in
    # the milestones' own transactions, never by the contract's writes.
    open_children = NumberAttribute(null=True)
    held_children = NumberAttribute(null=True)
    # A booking's delivery report and its QC (models/qc_items.py): written by the report post and
    # the QC worker, never by transitions, so neither moves the subject's version.
    report = JSONAttribute(null=True)
    report_version = NumberAttribute(null=True)
    qc = JSONAttribute(null=True)
    qc_status = UnicodeAttribute(null=True)


@dataclass(frozen=True)
class Subject:
    type: str
    id: str
    process: str
    process_version: int
    state: str
    version: int
    entered_at: datetime
    customer_id: str
    talent_id: str
    talent_user_id: str
    start_at: datetime | None
    end_at: datetime | None
    data: dict[str, Any]
    armed_timers: tuple[str, ...]
    created_at: datetime
    updated_at: datetime
    # Secondary-index keys: kept as they are by every transition.
    index_keys: dict[str, str | None] = field(default_factory=dict)
    open_children: int = 0
    held_children: int = 0
    report: dict[str, Any] | None = None
    report_version: int = 0
    qc: dict[str, Any] | None = None

    @property
    def qc_status(self) -> str | None:
        return None if self.qc is None else str(self.qc["status"])

    def with_changes(self, **changes: Any) -> Subject:
        return replace(self, **changes)

    def parties(self) -> dict[str, str]:
        return {"customer": self.customer_id, "talent": self.talent_user_id}


def new(
    process: str,
    process_version: int,
    initial: str,
    *,
    subject_type: str,
    subject_id: str,
    parties: tuple[str, str, str],
    data: dict[str, Any],
    index_keys: dict[str, str | None],
    now: datetime,
    start_at: datetime | None = None,
    end_at: datetime | None = None,
) -> Subject:
    """A subject about to be created, version 1, in its process's initial state.
    `parties` = (customer user id, talent id, talent's user id)."""
    customer_id, talent_id, talent_user_id = parties
    return Subject(
        type=subject_type,
        id=subject_id,
        process=process,
        process_version=process_version,
        state=initial,
        version=1,
        entered_at=now,
        customer_id=customer_id,
        talent_id=talent_id,
        talent_user_id=talent_user_id,
        start_at=start_at,
        end_at=end_at,
        data=data,
        armed_timers=(),
        created_at=now,
        updated_at=now,
        index_keys=index_keys,
    )


_INDEX_ATTRIBUTES = ("gsi1pk", "gsi1sk", "gsi2pk", "gsi2sk", "gsi3pk", "gsi3sk")


def _to_subject(item: SubjectItem) -> Subject:
    return Subject(
        type=item.subject_type,
        id=item.subject_id,
        process=item.process,
        process_version=int(item.process_version),
        state=item.state,
        version=int(item.version),
        entered_at=item.entered_at,
        customer_id=item.customer_id,
        talent_id=item.talent_id,
        talent_user_id=item.talent_user_id,
        start_at=item.start_at,
        end_at=item.end_at,
        data=dict(item.data or {}),
        armed_timers=tuple(item.armed_timers or ()),
        created_at=item.created_at,
        updated_at=item.updated_at,
        index_keys={name: getattr(item, name) for name in _INDEX_ATTRIBUTES},
        open_children=int(item.open_children or 0),
        held_children=int(item.held_children or 0),
        report=dict(item.report) if item.report else None,
        report_version=int(item.report_version or 0),
        qc=dict(item.qc) if item.qc else None,
    )


def to_item(subject: Subject) -> SubjectItem:
    return SubjectItem(
        keys.subject_pk(subject.type, subject.id),
        keys.SUBJECT_SK,
        subject_type=subject.type,
        subject_id=subject.id,
        process=subject.process,
        process_version=subject.process_version,
        state=subject.state,
        version=subject.version,
        entered_at=subject.entered_at,
        customer_id=subject.customer_id,
        talent_id=subject.talent_id,
        talent_user_id=subject.talent_user_id,
        start_at=subject.start_at,
        end_at=subject.end_at,
        data=subject.data,
        armed_timers=list(subject.armed_timers),
        created_at=subject.created_at,
        updated_at=subject.updated_at,
        open_children=subject.open_children,
        held_children=subject.held_children,
        **{name: value for name, value in subject.index_keys.items() if value is not None},  # type: ignore[arg-type]
    )


def get(subject_type: str, subject_id: str) -> Subject | None:
    try:
        item = SubjectItem.get(keys.subject_pk(subject_type, subject_id), keys.SUBJECT_SK)
    except DoesNotExist:
        return None
    return _to_subject(item)


def from_item(item: SubjectItem) -> Subject:
    return _to_subject(item)


def get_many(subject_type: str, subject_ids: list[str]) -> dict[str, Subject]:
    """Several subjects of one type in one BatchGetItem, by id (missing ones left out)."""
    wanted = [
        (keys.subject_pk(subject_type, i), keys.SUBJECT_SK) for i in dict.fromkeys(subject_ids)
    ]
    if not wanted:
        return {}
    return {
        item.subject_id: _to_subject(item)
        for item in SubjectItem.batch_get(wanted, consistent_read=True)
    }


def require(subject_type: str, subject_id: str) -> Subject:
    subject = get(subject_type, subject_id)
    if subject is None:
        raise NotFoundError(f"{subject_type} not found")
    return subject


def save_new_in(transaction: TransactWrite, subject: Subject) -> None:
    transaction.save(to_item(subject), condition=SubjectItem.pk.does_not_exist())


def save_transitioned_in(
    transaction: TransactWrite, before: Subject, after: Subject, extra_condition: Any = None
) -> None:
    """What a transition changes, written only if nobody moved the subject since `before`
    was read. The counters its children move are left alone."""
    item = SubjectItem(keys.subject_pk(after.type, after.id), keys.SUBJECT_SK)
    actions: list[Any] = [
        SubjectItem.state.set(after.state),
        SubjectItem.version.set(after.version),
        SubjectItem.entered_at.set(after.entered_at),
        SubjectItem.data.set(after.data),
        SubjectItem.armed_timers.set(list(after.armed_timers)),
        SubjectItem.updated_at.set(after.updated_at),
    ]
    condition = (SubjectItem.version == before.version) & (SubjectItem.state == before.state)
    if extra_condition is not None:
        condition = condition & extra_condition
    transaction.update(item, actions=actions, condition=condition)


def add_to_counters_in(
    transaction: TransactWrite,
    subject_type: str,
    subject_id: str,
    *,
    open_: int,
    held: int,
    require_state: str | None = None,
) -> None:
    item = SubjectItem(keys.subject_pk(subject_type, subject_id), keys.SUBJECT_SK)
    actions: list[Any] = []
    if open_:
        actions.append(SubjectItem.open_children.add(open_))
    if held:
        actions.append(SubjectItem.held_children.add(held))
    condition = (
        SubjectItem.pk.exists() if require_state is None else SubjectItem.state == require_state
    )
    transaction.update(item, actions=actions, condition=condition)


def check_state_in(
    transaction: TransactWrite, subject_type: str, subject_id: str, state: str
) -> None:
    transaction.condition_check(
        SubjectItem,
        keys.subject_pk(subject_type, subject_id),
        keys.SUBJECT_SK,
        condition=SubjectItem.state == state,
    )


def open_of_talent(talent_id: str, subject_type: str, states: frozenset[str]) -> Any:
    """A talent's subjects in one of `states`, lazily paged: one Query on GSI2 (the
    talent's subjects) filtered by state; a suspension declines what this yields."""
    results = SubjectItem.gsi2.query(
        keys.subjects_of_talent_gsi2pk(talent_id, subject_type),
        filter_condition=SubjectItem.state.is_in(*sorted(states)),
        page_size=100,
    )
    for item in results:
        if isinstance(item, SubjectItem):
            yield _to_subject(item)


def list_by_index(
    index: str, partition: str, *, limit: int, cursor: str | None, newest_first: bool = True
) -> tuple[list[Subject], str | None]:
    """A party's subjects (GSI1: a user's, GSI2: a talent's), or a contract's milestones."""
    attribute = "GSI1PK" if index == "gsi1" else "GSI2PK"
    start = pagination.decode(cursor, {attribute: partition})
    gsi = SubjectItem.gsi1 if index == "gsi1" else SubjectItem.gsi2
    results = gsi.query(
        partition,
        scan_index_forward=not newest_first,
        limit=limit,
        page_size=limit,
        last_evaluated_key=start,
    )
    found = [_to_subject(item) for item in results if isinstance(item, SubjectItem)]
    return found, pagination.encode(results.last_evaluated_key)
