"""IXOPAY's request and callback signature (the JSON API's "new" algorithm):

    X-Signature = base64(HMAC-SHA512(shared secret,
        method \\n sha512_hex(body) \\n content-type \\n date \\n request-uri))

where the date is the request's Date header (RFC 7231) and the request URI is the path
plus query of the URL that receives the message. Connectors still on the older algorithm
hash the body with MD5 instead (`legacy`); the official PHP client accepts both on
callbacks (ixopay/php-ixopay, `CurlClient::createSignature(..., $newAlgo)`)."""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import datetime
from email.utils import format_datetime
from urllib.parse import urlsplit


def http_date(moment: datetime) -> str:
    """RFC 7231 IMF-fixdate, e.g. "Tue, 15 Nov 1994 08:12:31 GMT"."""
    return format_datetime(moment, usegmt=True)


def request_uri(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def signature(
    secret: str,
    *,
    method: str,
    body: bytes,
    content_type: str,
    date: str,
    uri: str,
    legacy: bool = False,
) -> str:
    # MD5 only digests the body inside the HMAC-SHA512, as the gateway's older algorithm does.
    body_hash = hashlib.md5(body, usedforsecurity=False) if legacy else hashlib.sha512(body)
    message = "\n".join((method.upper(), body_hash.hexdigest(), content_type, date, uri))
    digest = hmac.new(secret.encode(), message.encode(), hashlib.sha512).digest()
    return base64.b64encode(digest).decode()


def matches(expected: str, received: str) -> bool:
    return hmac.compare_digest(expected.encode(), received.strip().encode())
