"""FastPay's validate answers outside its documentation (issue #10): "not found / not
paid" is pending, bad credentials are an error for people to fix, and anything else is
retryable, never a verdict."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.payments.base import PaymentError
from chalicelib.payments.fastpay import payloads

ORDER = "a1b2c3d4e5f6a7b8c9d0e1f2"


def test_not_found_is_pending() -> None:
    body = {"code": 404, "messages": ["Sorry! This order is not found."], "data": None}
    assert payloads.status_from_validation(ORDER, body).state == "pending"


@pytest.mark.parametrize(
    "body",
    [
        {"code": 418, "messages": ["Unexpected state"], "data": None},
        {"code": 400, "messages": ["Try again"]},
        {"code": "301"},
        {"messages": ["no code at all"]},
        {"code": 200, "messages": ["Ok"], "data": None},
    ],
)
def test_an_undocumented_answer_is_retryable(body: dict[str, Any]) -> None:
    with pytest.raises(PaymentError) as raised:
        payloads.status_from_validation(ORDER, body)
    assert raised.value.retryable is True
    assert "validate answered code" in raised.value.message


def test_bad_credentials_are_not_retried_blindly() -> None:
    body = {
        "code": 422,
        "messages": ["Sorry! The Store ID and Store Password combination is wrong."],
    }
    with pytest.raises(PaymentError) as raised:
        payloads.status_from_validation(ORDER, body)
    assert raised.value.retryable is False
