"""NassWallet's checkTransaction answers (recorded shapes, both status locations) onto our
normalised states, and the callback's reading."""

from __future__ import annotations

import json
from typing import Any

import pytest

from chalicelib.payments.base import CallbackRejected
from chalicelib.payments.nasswallet import statuses

# checkTransaction answers as the gateway gives them: the status either at the top of `data`
# or in the newest TransactionHistoryList entry, in varying case.
RECORDED: dict[str, dict[str, Any]] = {
    "success_top_level": {
        "responseCode": 0,
        "message": "Success",
        "data": {
            "transactionId": "348810027716",
            "orderId": "PAYa1b2c3d4",
            "amount": "25000",
            "transactionStatus": "SUCCESS",
        },
    },
    "failed_top_level": {
        "responseCode": 0,
        "message": "Success",
        "data": {"transactionId": "348810027717", "amount": "1000", "transactionStatus": "FAILED"},
    },
    "success_history_only": {
        "responseCode": 0,
        "message": "Success",
        "data": {
            "TransactionHistoryList": [
                {
                    "TransactionId": "348810027718",
                    "TransactionStatus": "Success",
                    "Amount": 15000,
                },
                {"TransactionId": "348810027718", "TransactionStatus": "Initiated"},
            ]
        },
    },
    "failed_history_lowercase": {
        "responseCode": 0,
        "data": {"TransactionHistoryList": [{"TransactionStatus": "failed", "Amount": "5000.00"}]},
    },
    "pending": {
        "responseCode": 0,
        "data": {"transactionId": "1", "amount": "7000", "transactionStatus": "PENDING"},
    },
    "initiated": {
        "responseCode": 0,
        "data": {"transactionId": "2", "amount": "7000", "transactionStatus": "INITIATED"},
    },
    "cancelled": {"responseCode": 0, "data": {"transactionStatus": "Cancelled"}},
    "expired": {"responseCode": 0, "data": {"transactionStatus": "EXPIRED"}},
    "unknown_status": {"responseCode": 0, "data": {"transactionStatus": "ON_HOLD"}},
    "no_status": {"responseCode": 0, "data": {"transactionId": "3", "amount": "100"}},
    "empty_history": {"responseCode": 0, "data": {"TransactionHistoryList": []}},
}

EXPECTED = {
    "success_top_level": ("succeeded", "SUCCESS", 25000),
    "failed_top_level": ("failed", "FAILED", 1000),
    "success_history_only": ("succeeded", "Success", 15000),
    "failed_history_lowercase": ("failed", "failed", 5000),
    "pending": ("pending", "PENDING", 7000),
    "initiated": ("pending", "INITIATED", 7000),
    "cancelled": ("cancelled", "Cancelled", None),
    "expired": ("expired", "EXPIRED", None),
    "unknown_status": ("pending", "ON_HOLD", None),
    "no_status": ("pending", None, 100),
    "empty_history": ("pending", None, None),
}


@pytest.mark.parametrize("name", sorted(RECORDED))
def test_recorded_answers_map_onto_states(name: str) -> None:
    data = RECORDED[name]["data"]
    state, status, amount = EXPECTED[name]
    assert statuses.status_of(data) == status
    assert statuses.state_of(data) == state
    assert statuses.amount_of(data) == amount


def test_table_is_upper_case_and_covers_the_documented_statuses() -> None:
    assert all(key == key.upper() for key in statuses.STATES)
    assert statuses.STATES["SUCCESS"] == "succeeded"
    assert statuses.STATES["FAILED"] == "failed"
    # Nothing but SUCCESS may ever read as paid.
    assert [key for key, state in statuses.STATES.items() if state == "succeeded"] == ["SUCCESS"]


def test_unknown_and_missing_statuses_are_not_known_and_stay_pending() -> None:
    assert statuses.is_known(" success ")
    assert not statuses.is_known("ON_HOLD")
    assert not statuses.is_known(None)
    assert statuses.normalise("ON_HOLD") == "pending"
    assert statuses.normalise(None) == "pending"


@pytest.mark.parametrize(
    ("raw", "amount"),
    [
        ("25000", 25000),
        (25000, 25000),
        (25000.0, 25000),
        ("25,000", 25000),
        ("25000.000", 25000),
        ("25000.5", None),
        ("abc", None),
        ("NaN", None),
        (True, None),
        ({"value": 1}, None),
    ],
)
def test_amounts_are_whole_dinars_or_nothing(raw: Any, amount: int | None) -> None:
    assert statuses.amount_of({"amount": raw}) == amount


def test_top_level_status_wins_over_the_history() -> None:
    data = {
        "transactionStatus": "FAILED",
        "TransactionHistoryList": [{"TransactionStatus": "SUCCESS"}],
    }
    assert statuses.state_of(data) == "failed"


# Callbacks as NassWallet posts them to the merchant's configured URL.
CALLBACKS = {
    "success": {
        "data": {
            "orderId": "PAYa1b2c3d4",
            "amount": "25000",
            "InitTransactionId": "348810027716",
            "transactionStatus": "SUCCESS",
        }
    },
    "failed_numeric_id": {
        "data": {
            "orderId": "PAYa1b2c3d5",
            "amount": 1000,
            "InitTransactionId": 348810027717,
            "transactionStatus": "FAILED",
        }
    },
}


def _driver() -> Any:
    from chalicelib.payments.nasswallet.client import Credentials, NassWalletClient
    from chalicelib.payments.nasswallet.driver import NassWalletDriver

    client = NassWalletClient("http://127.0.0.1:9", Credentials("t", "u", "p"))
    return NassWalletDriver(client, checkout_url="http://checkout", merchant_id="m", pin="1")


def test_callbacks_name_the_transaction_and_answer_success() -> None:
    driver = _driver()
    success = driver.parse_callback({}, json.dumps(CALLBACKS["success"]).encode())
    assert success.provider_ref == "348810027716"
    assert success.order_ref == "PAYa1b2c3d4"
    assert success.answer == "SUCCESS"
    assert success.event_id is None
    failed = driver.parse_callback({}, json.dumps(CALLBACKS["failed_numeric_id"]).encode())
    assert failed.provider_ref == "348810027717"
    assert failed.order_ref == "PAYa1b2c3d5"


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"not json",
        b"\xff\xfe",
        b"[]",
        b'{"orderId": "x", "InitTransactionId": "1"}',
        b'{"data": "x"}',
        b'{"data": {"orderId": "x"}}',
        b'{"data": {"InitTransactionId": ""}}',
        b'{"data": {"InitTransactionId": true}}',
        json.dumps({"data": {"InitTransactionId": "9" * 200}}).encode(),
    ],
)
def test_malformed_callbacks_are_rejected(raw: bytes) -> None:
    with pytest.raises(CallbackRejected):
        _driver().parse_callback({"content-type": "application/json"}, raw)


@pytest.mark.parametrize(
    ("tag", "code"),
    [("en", "en"), ("ar", "ar"), ("AR-iq", "ar"), ("ku", "ku"), ("ckb", "ku"), ("fr", "en")],
)
def test_language_codes(tag: str, code: str) -> None:
    from chalicelib.payments.nasswallet.driver import language_code

    assert language_code(tag) == code
