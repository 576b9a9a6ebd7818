"""Job templates: the nine starting points, their data rules, and the budget split."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.domain import categories, job_templates
from chalicelib.domain.job_templates import (
    BY_SLUG,
    TEMPLATES,
    JobTemplate,
    Milestone,
    get,
    milestones_for,
)

FAST = settings(max_examples=300, deadline=None)
EXPECTED_SLUGS = {
    "saas-mvp",
    "shopify-app",
    "nextjs-site",
    "rest-api",
    "data-pipeline",
    "llm-app",
    "mobile-app",
    "devops-task",
    "security-audit",
}


# --- the data ------------------------------------------------------------------------


def test_exactly_the_nine_templates() -> None:
    assert len(TEMPLATES) == 9
    assert {t.slug for t in TEMPLATES} == EXPECTED_SLUGS
    assert set(BY_SLUG) == EXPECTED_SLUGS


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda t: t.slug)
def test_template_follows_the_rules(template: JobTemplate) -> None:
    assert categories.is_known(template.category)
    assert template.category.startswith("development.")
    assert template.budget_type == "fixed"
    assert template.title and template.description
    assert 3 <= len(template.skills) <= 6
    assert all(skill == skill.lower() for skill in template.skills)
    assert 2 <= len(template.milestones) <= 5
    assert sum(m.share_bps for m in template.milestones) == 10_000
    for milestone in template.milestones:
        assert milestone.share_bps > 0
        assert milestone.duration_days > 0
        assert 3 <= len(milestone.dod) <= 6
        assert all(item.strip() for item in milestone.dod)


def test_get_by_slug() -> None:
    assert get("llm-app") is BY_SLUG["llm-app"]
    assert get("no-such-template") is None


def test_to_json_shape() -> None:
    # GIVEN a template WHEN serialised THEN milestones are plain dicts with list DoDs
    body = BY_SLUG["rest-api"].to_json()
    assert set(body) == {
        "slug",
        "title",
        "description",
        "category",
        "skills",
        "budget_type",
        "milestones",
    }
    assert isinstance(body["skills"], list)
    first = body["milestones"][0]
    assert set(first) == {"title", "description", "share_bps", "duration_days", "dod"}
    assert isinstance(first["dod"], list)


# --- validation at import --------------------------------------------------------------


def _broken(**changes: object) -> JobTemplate:
    return dataclasses.replace(BY_SLUG["saas-mvp"], **changes)  # type: ignore[arg-type]


def test_rejects_shares_not_summing_to_whole() -> None:
    template = BY_SLUG["saas-mvp"]
    first = dataclasses.replace(template.milestones[0], share_bps=999)
    with pytest.raises(ValueError, match="sum to 9999"):
        job_templates._validate((_broken(milestones=(first, *template.milestones[1:])),))


def test_rejects_unknown_category() -> None:
    with pytest.raises(ValueError, match="unknown category"):
        job_templates._validate((_broken(category="development.quantum"),))


def test_rejects_duplicate_slugs() -> None:
    with pytest.raises(ValueError, match="duplicate"):
        job_templates._validate((BY_SLUG["saas-mvp"], BY_SLUG["saas-mvp"]))


def test_rejects_non_positive_duration() -> None:
    lazy = Milestone("Lazy", "", 5000, 0, ("a", "b", "c"))
    busy = Milestone("Busy", "", 5000, 1, ("a", "b", "c"))
    with pytest.raises(ValueError, match="positive"):
        job_templates._validate((_broken(milestones=(lazy, busy)),))


# --- milestones_for ---------------------------------------------------------------------


def _assert_exact_split(template: JobTemplate, total: int) -> None:
    parts = milestones_for(template, total)
    amounts = [part["amount"] for part in parts]
    assert all(type(amount) is int and amount >= 0 for amount in amounts)
    assert sum(amounts) == total
    assert [p["title"] for p in parts] == [m.title for m in template.milestones]
    # every part but the last is the floor of its exact share; the last takes the rest
    for milestone, amount in zip(template.milestones[:-1], amounts[:-1], strict=True):
        assert amount == total * milestone.share_bps // 10_000


@pytest.mark.parametrize("total", [0, 1, 7, 999, 10_001, 999_999, 10**12])
@pytest.mark.parametrize("template", TEMPLATES, ids=lambda t: t.slug)
def test_split_is_exact_for_awkward_amounts(template: JobTemplate, total: int) -> None:
    _assert_exact_split(template, total)


@FAST
@given(template=st.sampled_from(TEMPLATES), total=st.integers(0, 10**12))
def test_split_is_exact_for_any_amount(template: JobTemplate, total: int) -> None:
    _assert_exact_split(template, total)


def test_remainder_goes_to_the_last_milestone() -> None:
    # GIVEN 1 minor unit WHEN split THEN only the last milestone gets it
    amounts = [p["amount"] for p in milestones_for(BY_SLUG["data-pipeline"], 1)]
    assert amounts == [0, 0, 0, 1]


def test_split_carries_milestone_details() -> None:
    template = BY_SLUG["mobile-app"]
    part = milestones_for(template, 1_000_000)[0]
    assert set(part) == {"title", "description", "amount", "duration_days", "dod"}
    assert part["amount"] == 150_000
    assert part["duration_days"] == template.milestones[0].duration_days
    assert part["dod"] == list(template.milestones[0].dod)


def test_negative_amount_is_rejected() -> None:
    with pytest.raises(ValueError, match="negative"):
        milestones_for(BY_SLUG["saas-mvp"], -1)
