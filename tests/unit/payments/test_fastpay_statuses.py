"""FastPay's statuses onto our states, over payloads shaped as FastPay's docs and SDKs show
them: GIVEN a recorded body, WHEN it is read, THEN the state and amount are ours."""

from __future__ import annotations

import json
from typing import Any

import pytest

from chalicelib.payments.base import CallbackRejected, PaymentError
from chalicelib.payments.fastpay import payloads
from chalicelib.payments.fastpay.statuses import STATUS_STATES, state_of

ORDER = "ORDER00123456"


def _validated(status: str, received: str = "5000.00") -> dict[str, Any]:
    return {
        "code": 200,
        "messages": [],
        "data": {
            "gw_transaction_id": "AXMNP7A004",
            "merchant_order_id": ORDER,
            "received_amount": received,
            "currency": "IQD",
            "status": status,
            "customer_name": "John Doe",
            "customer_mobile_number": "+9641000000004",
            "at": "2023-12-13 15:32:00",
        },
    }


RECORDED_VALIDATIONS = [
    (_validated("Success"), "succeeded", 5000),
    (_validated("SUCCESS", "250.00"), "succeeded", 250),
    (_validated("success", "7500"), "succeeded", 7500),
    (_validated("Failed", "0.00"), "failed", 0),
    (_validated("FAILED", "0.00"), "failed", 0),
    (_validated("Cancel", "0.00"), "cancelled", 0),
    (_validated("cancel", "0.00"), "cancelled", 0),
]
UNPAID = {"code": 404, "messages": ["Sorry! This order is not found."], "data": None}
BAD_CREDENTIALS = {
    "code": 422,
    "messages": ["Sorry! The Store ID and Store Password combination is wrong."],
    "data": None,
}


@pytest.mark.parametrize(("body", "state", "amount"), RECORDED_VALIDATIONS)
def test_validated_payments_map_to_our_states(
    body: dict[str, Any], state: str, amount: int
) -> None:
    status = payloads.status_from_validation(ORDER, body)

    assert status.provider_ref == ORDER
    assert status.state == state
    assert status.amount == amount
    assert status.currency == "IQD"
    assert status.raw["data"]["gw_transaction_id"] == "AXMNP7A004"


def test_the_table_covers_each_documented_status_case_insensitively() -> None:
    assert {state_of(name) for name in ("Success", "Failed", "Cancel")} == {
        "succeeded",
        "failed",
        "cancelled",
    }
    assert all(key == key.lower() for key in STATUS_STATES)


@pytest.mark.parametrize("status", ["Processing", "", None, 3])
def test_an_undocumented_status_stays_pending(status: object) -> None:
    assert state_of(status) == "pending"


def test_an_unpaid_order_is_pending_not_an_error() -> None:
    status = payloads.status_from_validation(ORDER, UNPAID)

    assert status.state == "pending"
    assert status.amount is None
    assert status.raw == UNPAID


def test_code_as_a_string_is_read_too() -> None:
    body = {**_validated("Success"), "code": "200"}

    assert payloads.status_from_validation(ORDER, body).state == "succeeded"


def test_bad_credentials_under_http_200_are_an_error() -> None:
    with pytest.raises(PaymentError) as raised:
        payloads.status_from_validation(ORDER, BAD_CREDENTIALS)

    assert "422" in raised.value.message
    assert "combination is wrong" in raised.value.message
    assert raised.value.retryable is False


def test_a_server_side_code_is_retryable() -> None:
    with pytest.raises(PaymentError) as raised:
        payloads.status_from_validation(ORDER, {"code": 500, "messages": ["oops"]})

    assert raised.value.retryable is True


def test_an_answer_about_another_order_is_refused() -> None:
    body = _validated("Success")
    body["data"]["merchant_order_id"] = "OTHERORDER99"

    with pytest.raises(PaymentError, match="OTHERORDER99"):
        payloads.status_from_validation(ORDER, body)


@pytest.mark.parametrize(
    ("value", "dinars"), [("5000.00", 5000), ("5000", 5000), (5000, 5000), ("4999.99", 4999)]
)
def test_received_amounts_become_whole_dinars_never_rounded_up(value: object, dinars: int) -> None:
    assert payloads.dinars(value) == dinars


@pytest.mark.parametrize("value", ["abc", "-1.00", "NaN", True])
def test_a_malformed_received_amount_is_an_error(value: object) -> None:
    with pytest.raises(PaymentError, match="amount"):
        payloads.status_from_validation(ORDER, _validated("Success", value))  # type: ignore[arg-type]


def test_a_missing_received_amount_is_unknown_not_zero() -> None:
    body = _validated("Success")
    del body["data"]["received_amount"]

    assert payloads.status_from_validation(ORDER, body).amount is None


def test_a_refund_answer_is_done_and_named_by_its_invoice() -> None:
    body = {
        "code": 200,
        "messages": ["messages.successfully_refund"],
        "data": {
            "summary": {
                "recipient": {"name": "John Doe", "mobile_number": "+9641000000004"},
                "invoice_id": "CXMNPZQ030",
            }
        },
    }

    refund = payloads.refund_from(ORDER, "refund-1", body)

    assert (refund.refund_ref, refund.state) == ("CXMNPZQ030", "refunded")


def test_a_refused_refund_is_an_error_with_fastpays_message() -> None:
    body = {"code": 422, "messages": {"amount": ["The amount exceeds the refundable 100."]}}

    with pytest.raises(PaymentError, match="exceeds the refundable 100"):
        payloads.refund_from(ORDER, "refund-1", body)


@pytest.mark.parametrize(("flag", "state"), [(True, "refunded"), (False, "refund_pending")])
def test_refund_validation_reads_the_boolean(flag: bool, state: str) -> None:
    body = {
        "code": 200,
        "messages": [],
        "data": {"order_id": ORDER, "refund_status": flag, "status_checked_at": "2023-12-13"},
    }

    assert payloads.refund_validation_from(ORDER, body).state == state


IPN = {
    "gw_transaction_id": "CUL1NUB731",
    "merchant_order_id": "LAREVEORD1005",
    "received_amount": "5000.00",
    "currency": "IQD",
    "status": "Success",
    "customer_name": "John Doe",
    "customer_mobile_number": "+964xxxxxxxxxx",
    "at": "2020-11-26 13:54:01",
}


def test_a_json_ipn_names_the_order() -> None:
    ref = payloads.ref_from_callback({"Content-Type": "application/json"}, json.dumps(IPN).encode())

    assert (ref.provider_ref, ref.order_ref, ref.event_id) == (
        "LAREVEORD1005",
        "LAREVEORD1005",
        "CUL1NUB731",
    )


def test_a_form_ipn_names_the_order() -> None:
    from urllib.parse import urlencode

    ref = payloads.ref_from_callback(
        {"content-type": "application/x-www-form-urlencoded"}, urlencode(IPN).encode()
    )

    assert ref.provider_ref == "LAREVEORD1005"
    assert ref.event_id == "CUL1NUB731"


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"{not json",
        b"[1, 2]",
        b'{"status": "Success"}',
        b'{"merchant_order_id": "short"}',
        b'{"merchant_order_id": "HAS-DASHES-123"}',
        b'{"merchant_order_id": 12345678}',
        b"\xff\xfe",
        b"status=Success",
    ],
)
def test_a_malformed_ipn_is_rejected(raw: bytes) -> None:
    with pytest.raises(CallbackRejected):
        payloads.ref_from_callback({}, raw)
