"""The default QC rules, table-driven: each report names exactly the rules it fails, every
one of them, in a fixed order; per-category rules are data; the evaluator is pluggable."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest

from chalicelib.domain import qc

WORD = "word "
GOOD_ITEMS = (
    "Practise the opening scales every morning",
    "Record one full run through on Friday",
    "Send me the recording before next lesson",
)


def summary(words: int) -> str:
    return (WORD * words).strip()


GOOD = qc.Report(summary=summary(120), action_items=GOOD_ITEMS, rating=4)

CASES: list[tuple[str, qc.Report, list[str]]] = [
    ("a good report", GOOD, []),
    ("80 words is enough", replace(GOOD, summary=summary(80)), []),
    ("1000 words is the most", replace(GOOD, summary=summary(1000)), []),
    ("79 words is too short", replace(GOOD, summary=summary(79)), ["summary_length"]),
    ("1001 words is too long", replace(GOOD, summary=summary(1001)), ["summary_length"]),
    ("two action items", replace(GOOD, action_items=GOOD_ITEMS[:2]), ["action_items_count"]),
    (
        "four action items",
        replace(GOOD, action_items=(*GOOD_ITEMS, "One more thing to do daily")),
        ["action_items_count"],
    ),
    (
        "an action item of four words",
        replace(GOOD, action_items=(*GOOD_ITEMS[:2], "Practise scales every morning")),
        ["action_item_length"],
    ),
    (
        "a phone number in the summary",
        replace(GOOD, summary=summary(100) + " call 0770 123 4567"),
        ["contact_details"],
    ),
    (
        "an email in an action item",
        replace(GOOD, action_items=(*GOOD_ITEMS[:2], "Email your recording to me@example.com now")),
        ["contact_details"],
    ),
    (
        "an Arabic-digit phone",
        replace(GOOD, summary=summary(100) + " ٠٧٧٠ ١٢٣ ٤٥٦٧"),
        ["contact_details"],
    ),
    ("no rating", replace(GOOD, rating=None), ["rating_missing"]),
    (
        "everything wrong at once",
        qc.Report(summary="see wa.me/9647701234567", action_items=("Practise",), rating=None),
        [
            "summary_length",
            "action_items_count",
            "action_item_length",
            "contact_details",
            "rating_missing",
        ],
    ),
]


@pytest.mark.parametrize(("report", "reasons"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_default_rules(report: qc.Report, reasons: list[str]) -> None:
    verdict = qc.RuleBasedEvaluator().evaluate(report, "coaching.career")
    assert list(verdict.reasons) == reasons
    assert verdict.status == ("revise" if reasons else "passed")
    assert len(verdict.explanations) == len(reasons)


def test_rules_per_category_are_data() -> None:
    short = replace(GOOD, summary=summary(60))
    assert qc.rules_for("lessons.music").summary_min_words == 50
    assert qc.RuleBasedEvaluator().evaluate(short, "lessons.music").status == "passed"
    assert qc.RuleBasedEvaluator().evaluate(short, "coaching.life").reasons == ("summary_length",)
    assert qc.rules_for(None) == qc.rules_for("music.dj") == qc.DEFAULT_RULES


def test_categories_mark_which_services_require_a_report() -> None:
    from chalicelib.domain import categories

    assert categories.report_required("coaching.career")
    assert categories.report_required("lessons")
    assert not categories.report_required("music.dj")
    assert not categories.report_required("no.such")


class _Lenient:
    """A second evaluator, registered by the test only (never in production code)."""

    name = "lenient-test"

    def evaluate(self, report: qc.Report, category: str | None) -> qc.Verdict:
        return qc.Verdict("passed")


@pytest.fixture
def lenient(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    from chalicelib.settings import reset_settings
    from chalicelib.usecases.qc import evaluators

    evaluators.register(_Lenient.name, _Lenient)
    monkeypatch.setenv("QC_EVALUATOR", _Lenient.name)
    reset_settings()
    yield
    evaluators.unregister(_Lenient.name)
    reset_settings()


def test_the_setting_chooses_the_evaluator(lenient: None) -> None:
    from chalicelib.usecases.qc import evaluators

    chosen = evaluators.current()
    assert chosen.name == "lenient-test"
    assert chosen.evaluate(qc.Report("", (), None), None).status == "passed"


def test_an_unknown_evaluator_fails_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    from chalicelib.settings import reset_settings
    from chalicelib.usecases.qc import evaluators

    monkeypatch.setenv("QC_EVALUATOR", "gpt-judge")
    reset_settings()
    try:
        with pytest.raises(evaluators.UnknownEvaluatorError):
            evaluators.current()
    finally:
        reset_settings()
