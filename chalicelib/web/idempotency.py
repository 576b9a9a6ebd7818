"""Idempotency-Key semantics: the same key and body within 24 h replays the first
response without a second effect; the same key with another body is a 422; a duplicate that
arrives while the first is still running gets a 409 instead of running twice."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING

from chalice.app import Response

from chalicelib.errors import ConflictError, DomainError, IdempotencyKeyReusedError, ValidationError
from chalicelib.lazy import lazy_import
from chalicelib.settings import get_settings
from chalicelib.web.envelope import Headers, error_response

if TYPE_CHECKING:
    from chalicelib.models import idempotency as records
    from chalicelib.web.router import RequestContext
else:
    records = lazy_import("chalicelib.models.idempotency")

_KEY_PATTERN = re.compile(r"^[\x21-\x7e]{1,255}$")
REPLAY_HEADER = "Idempotent-Replayed"
_KEPT_HEADERS = ("content-type", "location", "retry-after")


def request_fingerprint(method: str, path: str, raw_body: bytes) -> str:
    try:
        canonical = json.dumps(json.loads(raw_body), sort_keys=True, separators=(",", ":")).encode()
    except ValueError:
        canonical = raw_body
    digest = hashlib.sha256()
    for part in (method.encode(), b"\n", path.encode(), b"\n", canonical):
        digest.update(part)
    return digest.hexdigest()


def _scope(ctx: RequestContext) -> str:
    # Keys are per caller: two users may pick the same key without colliding.
    if ctx.header("authorization") is None:
        return "anonymous"
    return ctx.principal.user_id


def _replay(stored: records.StoredResponse) -> Response:
    headers: Headers = dict(stored.headers)
    headers[REPLAY_HEADER] = "true"
    return Response(body=stored.body, status_code=stored.status, headers=headers)


def guard(ctx: RequestContext, run: Callable[[], Response]) -> Response:
    key = ctx.header("idempotency-key")
    if key is None:
        return run()
    if not _KEY_PATTERN.match(key):
        raise ValidationError("Idempotency-Key must be 1-255 visible ASCII characters")
    scope = _scope(ctx)
    fingerprint = request_fingerprint(ctx.method, ctx.path + _query_suffix(ctx), ctx.raw_body)
    ttl = timedelta(seconds=get_settings().idempotency_ttl_seconds)
    claim = records.claim(scope, key, fingerprint, ttl)
    if not claim.owned:
        if claim.request_hash and claim.request_hash != fingerprint:
            raise IdempotencyKeyReusedError("Idempotency-Key was used with a different request")
        if claim.replay is not None:
            return _replay(claim.replay)
        raise ConflictError("a request with this Idempotency-Key is still in progress")
    try:
        response = run()
    except DomainError as error:
        response = error_response(error)
    except BaseException:
        records.release(scope, key)
        raise
    if response.status_code >= 500:
        records.release(scope, key)
        return response
    body = response.body if isinstance(response.body, str) else json.dumps(response.body)
    headers = {k: str(v) for k, v in response.headers.items() if k.lower() in _KEPT_HEADERS}
    records.complete(scope, key, records.StoredResponse(response.status_code, body, headers))
    return response


def _query_suffix(ctx: RequestContext) -> str:
    params = ctx.query_params
    if not params:
        return ""
    return "?" + "&".join(f"{k}={v}" for k, v in sorted(params.items()))
