"""areeba (IXOPAY) callback signatures as the gateway and its official client produce them
(ixopay/php-ixopay: `CurlClient::createSignature`, `Client::validateCallback`): the gateway
sends the same value in `Date` and `X-Date`, and a proxy on the way may rewrite `Date`, so
`X-Date` is read first; connectors on the older algorithm hash the body with MD5 instead of
SHA-512, which the official client still accepts."""

from __future__ import annotations

import base64
import hashlib
import hmac

import pytest

from chalicelib.payments.areeba.driver import AreebaConfig, AreebaDriver
from chalicelib.payments.base import CallbackRejected

SECRET = "connector-shared-secret"
URI = "/v1/payments/webhook/areeba"
CONTENT_TYPE = "application/json; charset=utf-8"
BODY = b'{"result":"OK","uuid":"abc-123","merchantTransactionId":"ORD1","amount":"25000"}'
SIGNED_AT = "Tue, 01 Dec 2026 10:00:00 GMT"


def _driver() -> AreebaDriver:
    return AreebaDriver(
        AreebaConfig(
            base_url="https://areeba.ixopaysandbox.com/api/v3",
            api_key="key",
            username="user",
            password="pass",
            shared_secret=SECRET,
            public_api_url="https://api.example.com",
        )
    )


def _sign(body: bytes, date: str, *, body_hash: str = "sha512") -> str:
    """Written out from the official client, independently of our signing module."""
    digest = (
        hashlib.sha512(body).hexdigest() if body_hash == "sha512" else hashlib.md5(body).hexdigest()
    )
    message = "\n".join(["POST", digest, CONTENT_TYPE, date, URI])
    mac = hmac.new(SECRET.encode(), message.encode(), hashlib.sha512).digest()
    return base64.b64encode(mac).decode()


def test_x_date_wins_when_a_proxy_rewrote_date() -> None:
    headers = {
        "Content-Type": CONTENT_TYPE,
        "Date": "Tue, 01 Dec 2026 10:00:03 GMT",  # rewritten on the way
        "X-Date": SIGNED_AT,
        "X-Signature": _sign(BODY, SIGNED_AT),
    }
    assert _driver().parse_callback(headers, BODY).provider_ref == "abc-123"


def test_a_callback_with_only_date_still_verifies() -> None:
    headers = {
        "Content-Type": CONTENT_TYPE,
        "Date": SIGNED_AT,
        "X-Signature": _sign(BODY, SIGNED_AT),
    }
    assert _driver().parse_callback(headers, BODY).provider_ref == "abc-123"


def test_the_legacy_md5_body_hash_is_accepted() -> None:
    headers = {
        "Content-Type": CONTENT_TYPE,
        "Date": SIGNED_AT,
        "X-Date": SIGNED_AT,
        "X-Signature": _sign(BODY, SIGNED_AT, body_hash="md5"),
    }
    assert _driver().parse_callback(headers, BODY).provider_ref == "abc-123"


@pytest.mark.parametrize("body_hash", ["sha512", "md5"])
def test_a_tampered_body_fails_under_either_hash(body_hash: str) -> None:
    headers = {
        "Content-Type": CONTENT_TYPE,
        "X-Date": SIGNED_AT,
        "X-Signature": _sign(BODY, SIGNED_AT, body_hash=body_hash),
    }
    tampered = BODY.replace(b'"25000"', b'"1"')
    with pytest.raises(CallbackRejected, match="does not match"):
        _driver().parse_callback(headers, tampered)


def test_a_signature_over_a_date_that_was_not_sent_fails() -> None:
    headers = {
        "Content-Type": CONTENT_TYPE,
        "Date": "Tue, 01 Dec 2026 10:00:03 GMT",
        "X-Date": "Tue, 01 Dec 2026 10:00:04 GMT",
        "X-Signature": _sign(BODY, SIGNED_AT),
    }
    with pytest.raises(CallbackRejected, match="does not match"):
        _driver().parse_callback(headers, BODY)
