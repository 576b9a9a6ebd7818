"""The functional tests' client holds every answer to its route's declaration
(`tests/support.py`): these show that the check refuses what it must, so a passing
functional test means its payloads match /v1/openapi.json."""

from __future__ import annotations

import pytest

from tests.support import check_contract, route_for

PAYMENT = {
    "id": "01PAY",
    "state": "pending",
    "subject": {"type": "booking", "id": "01BOOK"},
    "amount": {"amount": 300000, "currency": "IQD"},
    "provider": "fib",
    "provider_ref": "ref-1",
    "action": {"type": "qr", "qr_code": "data:image/png;base64,AA"},
    "failure": None,
    "created_at": "2026-12-01T10:00:00Z",
    "updated_at": "2026-12-01T10:00:00Z",
}


@pytest.fixture(autouse=True, scope="module")
def _routes() -> None:
    import app  # noqa: F401  (registers every route)


def test_literal_paths_win_over_templates() -> None:
    assert route_for("GET", "/v1/payments/providers").path == "/v1/payments/providers"
    assert route_for("GET", "/v1/payments/01PAY?x=1").path == "/v1/payments/{payment_id}"
    assert route_for("GET", "/v1/nowhere") is None


def test_a_matching_body_passes() -> None:
    check_contract("GET", "/v1/payments/01PAY", 200, PAYMENT, "application/json")


@pytest.mark.parametrize(
    "body",
    [
        {k: v for k, v in PAYMENT.items() if k != "subject"},
        dict(PAYMENT, amount={"amount": "300000", "currency": "IQD"}),
        dict(PAYMENT, state="paid"),
        dict(PAYMENT, action={"type": "qr", "qr": "x"}),
        dict(PAYMENT, surprise=True),
    ],
)
def test_a_drifted_body_fails(body: dict[str, object]) -> None:
    with pytest.raises(AssertionError):
        check_contract("GET", "/v1/payments/01PAY", 200, body, "application/json")


def test_an_undeclared_success_status_fails() -> None:
    with pytest.raises(AssertionError):
        check_contract("GET", "/v1/payments/01PAY", 201, PAYMENT, "application/json")
    check_contract(
        "POST", "/v1/me/saved/01T", 200, {"talent_id": "01T", "saved_at": "x"}, "application/json"
    )


def test_errors_must_be_in_the_envelope() -> None:
    envelope = {"error": {"code": "NOT_FOUND", "message": "no such payment", "details": {}}}
    check_contract("GET", "/v1/payments/01PAY", 404, envelope, "application/json")
    with pytest.raises(AssertionError):
        check_contract("GET", "/v1/payments/01PAY", 404, {"message": "nope"}, "application/json")


def test_no_two_models_share_a_schema_name() -> None:
    # /v1/openapi.json once keyed components by class name, so a second class of the same name
    # silently replaced the first's schema (two SubjectRefOut did, for payments and events;
    # two Location for talent and bookings). Components are now named in one pydantic pass,
    # qualified on a clash: every model and mode the routes use has a name of its own
    # (tests/unit/test_openapi.py shows a clash being qualified).
    from chalicelib.web.openapi import published

    names = published().names
    assert len(names) > 20
    assert len(set(names.values())) == len(names)
