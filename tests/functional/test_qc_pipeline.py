"""The QC pipeline: the report's event through the outbox and EventBridge to the QC
queue's handler; verdicts written on the report's version, so a stale evaluation never
overwrites a newer one; redeliveries change nothing; a bad message fails alone; and an
evaluator registered by the tests alone judges through the unchanged worker."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from chalicelib.domain import qc as rules
from tests.functional import qc_support as qc
from tests.functional.deals import TALENT
from tests.support import JsonClient


@pytest.fixture
def bus(stack: Any) -> qc.EventBus:
    from chalicelib import clients

    recorder = qc.EventBus()
    clients.override("events", recorder)
    return recorder


class Interleaving:
    """The rules, plus something else happening while a verdict is being reached."""

    name = "interleaving-test"
    meanwhile: Callable[[], None] | None = None

    def evaluate(self, report: rules.Report, category: str | None) -> rules.Verdict:
        verdict = rules.RuleBasedEvaluator().evaluate(report, category)
        meanwhile, Interleaving.meanwhile = Interleaving.meanwhile, None
        if meanwhile is not None:
            meanwhile()
        return verdict


def _use_evaluator(name: str, factory: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    from chalicelib.settings import reset_settings
    from chalicelib.usecases.qc import evaluators

    evaluators.register(name, factory)
    monkeypatch.setenv("QC_EVALUATOR", name)
    reset_settings()
    yield
    evaluators.unregister(name)


@pytest.fixture
def interleaving(stack: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    yield from _use_evaluator(Interleaving.name, Interleaving, monkeypatch)


def _booking(api: JsonClient, booking_id: str) -> dict[str, Any]:
    return dict(api.get(f"/v1/bookings/{booking_id}", as_user=TALENT).body)


def test_a_stale_evaluation_never_overwrites_the_newer_reports(
    api: JsonClient, frozen_clock: Any, interleaving: None
) -> None:
    from chalicelib.usecases.qc import evaluation

    booking = qc.delivered(api, frozen_clock, qc.qc_service(api)["id"])["id"]
    assert qc.post_report(api, booking, qc.weak_report()).status == 201

    def redelivered_then_resubmitted() -> None:
        # While the first evaluation of report 1 runs, a redelivery of the same event
        # judges it (revise), and the talent posts report 2.
        assert evaluation.evaluate(booking, 1) == "revise"
        assert qc.post_report(api, booking, qc.good_report()).status == 201

    Interleaving.meanwhile = redelivered_then_resubmitted
    assert evaluation.evaluate(booking, 1) == "stale"
    shown = _booking(api, booking)
    assert shown["report"]["version"] == 2 and shown["qc"]["status"] == "pending"

    # Report 2's evaluation, racing a late copy of report 1's: report 2's verdict wins.
    Interleaving.meanwhile = lambda: evaluation.evaluate(booking, 1)
    assert evaluation.evaluate(booking, 2) == "passed"
    assert evaluation.evaluate(booking, 1) == "stale"
    shown = _booking(api, booking)
    assert shown["qc"]["status"] == "passed" and shown["qc"]["report_version"] == 2
    assert shown["qc"]["decided_by"] == Interleaving.name


def test_redelivery_changes_nothing_and_a_bad_message_fails_alone(
    api: JsonClient, frozen_clock: Any, lambdas: Any, bus: qc.EventBus
) -> None:
    from tests.functional.factories import count_items

    booking = qc.delivered(api, frozen_clock, qc.qc_service(api)["id"])["id"]
    assert qc.post_report(api, booking, qc.weak_report()).status == 201
    qc.publish_events()
    [submitted] = [e for e in bus.entries if e["DetailType"] == "qc.report_submitted"]
    good = json.dumps(
        {"detail-type": "qc.report_submitted", "detail": json.loads(submitted["Detail"])}
    )
    bad = json.dumps({"detail-type": "qc.report_submitted", "detail": {"subject": {"id": booking}}})
    unknown = json.dumps({"detail-type": "qc.something_else", "detail": {}})
    event = lambdas.events.generate_sqs_event(
        message_bodies=[good, bad, unknown, good], queue_name="marketplace-qc"
    )
    for index, record in enumerate(event["Records"]):
        record["messageId"] = f"m{index}"
    reply = lambdas.lambda_.invoke("qc_worker", event).payload
    assert reply == {"batchItemFailures": [{"itemIdentifier": "m1"}, {"itemIdentifier": "m2"}]}
    shown = _booking(api, booking)
    assert shown["qc"]["status"] == "revise"
    checked_at = shown["qc"]["checked_at"]
    outbox_before = count_items("timer")
    # The queue delivers the same event once more: nothing is written.
    again = lambdas.lambda_.invoke("qc_worker", event).payload
    assert {"itemIdentifier": "m0"} not in again["batchItemFailures"]
    assert _booking(api, booking)["qc"]["checked_at"] == checked_at
    assert count_items("timer") == outbox_before


def test_the_report_event_reaches_the_qc_queue_through_the_outbox(
    api: JsonClient, frozen_clock: Any, lambdas: Any, bus: qc.EventBus
) -> None:
    booking = qc.delivered(api, frozen_clock, qc.qc_service(api)["id"])["id"]
    assert qc.post_report(api, booking, qc.good_report()).status == 201
    assert qc.run_qc(lambdas, bus) == {"batchItemFailures": []}
    assert _booking(api, booking)["qc"]["status"] == "passed"
    qc.publish_events()
    [passed] = bus.of("qc.passed")
    assert passed["subject"] == {"type": "booking", "id": booking}
