"""areeba (IXOPAY) status-API payloads onto our states, plus the two pure helpers the
mapping depends on: decimal-string amounts and the request/callback signature.

The payloads are shaped as IXOPAY's status API v3 answers (`getByUuid`)."""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import UTC, datetime
from typing import Any

import pytest

from chalicelib.payments.areeba import amounts, signing
from chalicelib.payments.areeba.statuses import STATES, state_of

DEBIT_SUCCESS: dict[str, Any] = {
    "success": True,
    "transactionStatus": "SUCCESS",
    "uuid": "abcde12345abcde12345",
    "merchantTransactionId": "ORD20261122A1B2C3",
    "purchaseId": "20261122-abcde12345abcde12345",
    "transactionType": "DEBIT",
    "paymentMethod": "Creditcard",
    "amount": "25000",
    "currency": "IQD",
    "returnData": {"_TYPE": "cardData", "type": "visa", "lastFourDigits": "4321"},
}
DEBIT_REDIRECT = {**DEBIT_SUCCESS, "transactionStatus": "REDIRECT"}
DEBIT_PENDING = {**DEBIT_SUCCESS, "transactionStatus": "PENDING"}
DEBIT_ERROR = {
    **DEBIT_SUCCESS,
    "transactionStatus": "ERROR",
    "errors": [
        {
            "errorMessage": "The transaction was declined",
            "errorCode": 2003,
            "adapterMessage": "Do not honor",
            "adapterCode": "05",
        }
    ],
}
DEBIT_CANCELLED = {**DEBIT_SUCCESS, "transactionStatus": "CANCELLED"}
# IXOPAY's own example writes the type in lower case.
DEBIT_LOWER_CASE = {
    **DEBIT_SUCCESS,
    "transactionType": "debit",
    "amount": "9.99",
    "currency": "USD",
}
REFUND_SUCCESS = {
    **DEBIT_SUCCESS,
    "uuid": "fffff00000fffff00000",
    "merchantTransactionId": "RFD20261122A1B2C3",
    "transactionType": "REFUND",
    "amount": "10000",
}
REFUND_PENDING = {**REFUND_SUCCESS, "transactionStatus": "PENDING"}
REFUND_ERROR = {**REFUND_SUCCESS, "transactionStatus": "ERROR"}


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        (DEBIT_SUCCESS, "succeeded"),
        (DEBIT_LOWER_CASE, "succeeded"),
        (DEBIT_REDIRECT, "pending"),
        (DEBIT_PENDING, "pending"),
        (DEBIT_ERROR, "failed"),
        (DEBIT_CANCELLED, "cancelled"),
        (REFUND_SUCCESS, "refunded"),
        (REFUND_PENDING, "refund_pending"),
        (REFUND_ERROR, "succeeded"),
    ],
)
def test_recorded_payloads_map_to_our_states(payload: dict[str, Any], expected: str) -> None:
    assert state_of(payload) == expected


def test_an_unknown_status_never_counts_as_money_moved() -> None:
    assert state_of({**DEBIT_SUCCESS, "transactionStatus": "CHARGEBACK-PENDING"}) == "pending"
    assert state_of({**REFUND_SUCCESS, "transactionStatus": "SOMETHING"}) == "refund_pending"
    assert state_of({"success": True}) == "pending"


def test_statuses_compare_case_blind() -> None:
    assert state_of({**DEBIT_SUCCESS, "transactionStatus": " success "}) == "succeeded"


def test_the_table_covers_every_v3_status_for_both_kinds() -> None:
    for status in ("SUCCESS", "PENDING", "REDIRECT", "CANCELLED", "ERROR"):
        assert ("payment", status) in STATES
        assert ("refund", status) in STATES


# -- amounts ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "currency", "text"),
    [(25_000, "IQD", "25000"), (1250, "USD", "12.50"), (5, "USD", "0.05"), (100, "USD", "1.00")],
)
def test_minor_units_become_the_gateways_decimal_strings(
    amount: int, currency: str, text: str
) -> None:
    assert amounts.to_decimal_string(amount, currency) == text
    assert amounts.to_minor_units(text, currency) == amount


def test_amounts_read_back_tolerantly() -> None:
    assert amounts.to_minor_units(9.99, "USD") == 999
    assert amounts.to_minor_units("25000.00", "IQD") == 25_000
    assert amounts.to_minor_units(12, "USD") == 1200


@pytest.mark.parametrize(
    ("value", "currency"),
    [
        ("12.345", "USD"),
        ("250.5", "IQD"),
        ("abc", "USD"),
        (None, "USD"),
        (True, "USD"),
        ("1", "XXX"),
    ],
)
def test_bad_amounts_are_refused(value: object, currency: str) -> None:
    with pytest.raises(ValueError):
        amounts.to_minor_units(value, currency)


# -- signature ----------------------------------------------------------------------------


def test_the_signature_is_ixopays_message_layout() -> None:
    body = b'{"merchantTransactionId":"ORD1","amount":"12.50","currency":"USD"}'
    date = "Sun, 22 Nov 2026 12:00:00 GMT"
    uri = "/api/v3/transaction/key-1/debit"
    message = "\n".join(
        ["POST", hashlib.sha512(body).hexdigest(), "application/json; charset=utf-8", date, uri]
    )
    expected = base64.b64encode(
        hmac.new(b"secret", message.encode(), hashlib.sha512).digest()
    ).decode()

    signed = signing.signature(
        "secret",
        method="post",
        body=body,
        content_type="application/json; charset=utf-8",
        date=date,
        uri=uri,
    )

    assert signed == expected
    assert signing.matches(expected, signed)
    assert not signing.matches(expected, signed[:-4] + "AAA=")


def test_the_date_is_rfc_7231_and_the_uri_keeps_the_query() -> None:
    assert signing.http_date(datetime(2026, 11, 22, 12, 0, tzinfo=UTC)) == (
        "Sun, 22 Nov 2026 12:00:00 GMT"
    )
    assert signing.request_uri("https://api.example.com/prod/v1/hook?x=1") == "/prod/v1/hook?x=1"
    assert signing.request_uri("https://api.example.com") == ""
