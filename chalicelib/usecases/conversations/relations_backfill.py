"""The paid-relation and standing markers for subjects that reached those states before the
conversations worker recorded them from domain events (`PAIR#<a>#<b>/PAID`,
`STANDING#<user>/ESTABLISHED`: models/conversation_limits.py).

Idempotent: each marker is a conditional put that keeps the first reason, so running it
twice, or while the worker records new transitions, writes each marker once."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from chalicelib.domain import conversations as rules
from chalicelib.models import conversation_limits as limits
from chalicelib.models import relation_sources
from chalicelib.models.relation_sources import Relation


@dataclass
class Report:
    subjects: int = 0
    paid_marked: int = 0
    established_marked: int = 0

    def line(self) -> str:
        return (
            f"{self.subjects} subjects read; {self.paid_marked} paid relations and "
            f"{self.established_marked} established accounts marked"
        )


def backfill(relations: Iterable[Relation]) -> Report:
    report = Report()
    for relation in relations:
        report.subjects += 1
        paid, completed = rules.relation_facts(relation.type, relation.state, relation.data)
        reason = f"{relation.type}:{relation.id}"
        if paid and limits.mark_paid(relation.customer_id, relation.talent_user_id, reason):
            report.paid_marked += 1
        if completed:
            for user_id in (relation.customer_id, relation.talent_user_id):
                if limits.mark_established(user_id, reason):
                    report.established_marked += 1
    return report


def for_customers(user_ids: Iterable[str]) -> Report:
    """The relations of these customers (Queries only)."""
    return backfill(r for user_id in user_ids for r in relation_sources.of_customer(user_id))


def for_everyone() -> Report:
    """Every subject in the table (a one-off maintenance run: it pages the table)."""
    return backfill(relation_sources.everything())
