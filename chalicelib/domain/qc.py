"""Delivery reports and their quality check, pure (API.md, "Delivery reports and the QC gate").

The rules are data: `RULES_BY_CATEGORY` maps a category slug (or its group) to `Rules`;
anything unlisted gets `DEFAULT_RULES`. `evaluate` applies a category's rules to a report
and names EVERY rule it fails, in a fixed order, so a talent fixes all at once.

Evaluators are pluggable (`Evaluator`): the rule-based one is the default; another (an AI
checker) is a class with the same `evaluate` and a name in `usecases/qc/evaluators.py`'s
registry, chosen by the `QC_EVALUATOR` setting. The worker only ever calls the protocol."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal, Protocol

from chalicelib.domain import categories
from chalicelib.domain.contact_masking import mask_contacts

# What QC can say. `pending`: a report waits for its evaluation.
Status = Literal["pending", "passed", "revise", "waived"]
STATUSES: tuple[Status, ...] = ("pending", "passed", "revise", "waived")
# Once passed or waived the gate is open for good: nothing re-evaluates it.
OPEN: frozenset[str] = frozenset({"passed", "waived"})
# A report may be posted in these booking states, and replaced only while QC says `revise`
# (`refunded` only when the dispute's resolution left the talent a share, held for QC).
REPORTABLE_STATES: frozenset[str] = frozenset({"delivered", "completed", "refunded"})
# Where a completion (or a dispute's resolution) may hold the talent's share for QC.
HOLDING_STATES: frozenset[str] = frozenset({"completed", "refunded"})
REPLACEABLE: frozenset[str] = frozenset({"revise"})

# Reason codes, one per rule (API: `qc.reasons`).
SUMMARY_LENGTH = "summary_length"
ACTION_ITEMS_COUNT = "action_items_count"
ACTION_ITEM_LENGTH = "action_item_length"
CONTACT_DETAILS = "contact_details"
RATING_MISSING = "rating_missing"
REASONS = (SUMMARY_LENGTH, ACTION_ITEMS_COUNT, ACTION_ITEM_LENGTH, CONTACT_DETAILS, RATING_MISSING)

_WORD = re.compile(r"\w+(?:['\u2019-]\w+)*", re.UNICODE)


@dataclass(frozen=True)
class Rules:
    """One category's QC rules."""

    summary_min_words: int = 80
    summary_max_words: int = 1000
    action_items: int = 3
    action_item_min_words: int = 5
    contact_details_allowed: bool = False
    rating_required: bool = True


DEFAULT_RULES = Rules()
# Per category (a slug, or a group's slug for all its children). Data: add a row.
RULES_BY_CATEGORY: Mapping[str, Rules] = {
    # A lesson's report is shorter: what was covered and what to practise.
    "lessons": Rules(summary_min_words=50),
}


def rules_for(category: str | None) -> Rules:
    if not category:
        return DEFAULT_RULES
    if category in RULES_BY_CATEGORY:
        return RULES_BY_CATEGORY[category]
    return RULES_BY_CATEGORY.get(categories.top_level(category), DEFAULT_RULES)


@dataclass(frozen=True)
class Report:
    summary: str
    action_items: tuple[str, ...]
    rating: int | None


@dataclass(frozen=True)
class Verdict:
    status: Literal["passed", "revise"]
    reasons: tuple[str, ...] = ()
    # One human sentence per reason, in the same order.
    explanations: tuple[str, ...] = field(default=())


class Evaluator(Protocol):
    """Says whether a report passes. Implementations are pure or call a model; either way
    the same report and category must give the same verdict (redeliveries re-evaluate)."""

    name: str

    def evaluate(self, report: Report, category: str | None) -> Verdict: ...


def words(text: str) -> int:
    return len(_WORD.findall(text))


def failed_rules(report: Report, rules: Rules) -> list[tuple[str, str]]:
    """(reason, explanation) for every rule the report fails, in REASONS order."""
    failed: list[tuple[str, str]] = []
    count = words(report.summary)
    if not rules.summary_min_words <= count <= rules.summary_max_words:
        failed.append(
            (
                SUMMARY_LENGTH,
                f"the summary has {count} words; it needs "
                f"{rules.summary_min_words} to {rules.summary_max_words}",
            )
        )
    if len(report.action_items) != rules.action_items:
        failed.append(
            (
                ACTION_ITEMS_COUNT,
                f"{len(report.action_items)} action items; exactly {rules.action_items} needed",
            )
        )
    short = [
        i
        for i, item in enumerate(report.action_items, 1)
        if words(item) < rules.action_item_min_words
    ]
    if short:
        failed.append(
            (
                ACTION_ITEM_LENGTH,
                f"action items {short} have fewer than {rules.action_item_min_words} words",
            )
        )
    texts = (report.summary, *report.action_items)
    if not rules.contact_details_allowed and any(mask_contacts(t).masked for t in texts):
        failed.append((CONTACT_DETAILS, "the report contains contact details"))
    if rules.rating_required and report.rating is None:
        failed.append((RATING_MISSING, "the report has no rating"))
    return failed


class RuleBasedEvaluator:
    """The default: the category's rules, as data."""

    name = "rules"

    def evaluate(self, report: Report, category: str | None) -> Verdict:
        failed = failed_rules(report, rules_for(category))
        if not failed:
            return Verdict("passed")
        return Verdict(
            "revise",
            tuple(reason for reason, _ in failed),
            tuple(text for _, text in failed),
        )
