"""Idempotency-Key: replay, reuse with another body, and a concurrent duplicate."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

from chalicelib import clock
from chalicelib.models import idempotency, keys
from chalicelib.models.user import UserItem
from tests.support import JsonClient


def _updated_at(email: str) -> Any:
    return UserItem.get(keys.identity_pk("https://issuer.test", f"sub-{email}"), "USER").updated_at


def test_replay_returns_the_first_response_with_one_effect(api: JsonClient) -> None:
    headers = {"Idempotency-Key": "key-1"}
    first = api.patch(
        "/v1/me", as_user="i@example.com", json_body={"display_name": "One"}, headers=headers
    )
    effect = _updated_at("i@example.com")
    # Another change in between must not leak into the replay.
    api.patch("/v1/me", as_user="i@example.com", json_body={"display_name": "Two"})
    changed = _updated_at("i@example.com")
    replay = api.patch(
        "/v1/me", as_user="i@example.com", json_body={"display_name": "One"}, headers=headers
    )
    assert replay.status == first.status == 200
    assert replay.raw == first.raw
    assert replay.headers.get("Idempotent-Replayed") == "true"
    assert _updated_at("i@example.com") == changed != effect
    assert api.get("/v1/me", as_user="i@example.com").body["display_name"] == "Two"


def test_same_key_other_body_is_422_and_changes_nothing(api: JsonClient) -> None:
    headers = {"Idempotency-Key": "key-2"}
    api.patch("/v1/me", as_user="j@example.com", json_body={"display_name": "A"}, headers=headers)
    reply = api.patch(
        "/v1/me", as_user="j@example.com", json_body={"display_name": "B"}, headers=headers
    )
    assert reply.status == 422
    assert reply.error_code == "IDEMPOTENCY_KEY_REUSED"
    assert api.get("/v1/me", as_user="j@example.com").body["display_name"] == "A"


def test_keys_are_scoped_per_user(api: JsonClient) -> None:
    headers = {"Idempotency-Key": "shared"}
    a = api.patch(
        "/v1/me", as_user="k@example.com", json_body={"display_name": "K"}, headers=headers
    )
    b = api.patch(
        "/v1/me", as_user="l@example.com", json_body={"display_name": "L"}, headers=headers
    )
    assert (a.status, b.status) == (200, 200)
    assert b.body["display_name"] == "L"


def test_validation_errors_are_replayed_too(api: JsonClient) -> None:
    headers = {"Idempotency-Key": "bad-1"}
    first = api.patch(
        "/v1/me", as_user="m@example.com", json_body={"locale": "xx"}, headers=headers
    )
    again = api.patch(
        "/v1/me", as_user="m@example.com", json_body={"locale": "xx"}, headers=headers
    )
    assert first.status == again.status == 400
    assert first.raw == again.raw


def test_invalid_key_is_400(api: JsonClient) -> None:
    reply = api.patch(
        "/v1/me",
        as_user="n@example.com",
        json_body={"display_name": "N"},
        headers={"Idempotency-Key": "x" * 300},
    )
    assert reply.status == 400


def test_keys_expire_after_24_hours(api: JsonClient, frozen_clock: Any) -> None:
    headers = {"Idempotency-Key": "old"}
    api.patch("/v1/me", as_user="o@example.com", json_body={"display_name": "A"}, headers=headers)
    frozen_clock.advance(timedelta(hours=24, seconds=1).total_seconds())
    reply = api.patch(
        "/v1/me", as_user="o@example.com", json_body={"display_name": "B"}, headers=headers
    )
    assert reply.status == 200
    assert reply.body["display_name"] == "B"


def test_concurrent_duplicates_claim_once(stack: Any) -> None:
    # GIVEN 20 concurrent requests carrying the same key
    results: list[idempotency.Claim] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    barrier = threading.Barrier(20)

    def attempt() -> None:
        try:
            barrier.wait()
            claim = idempotency.claim("user-1", "race", "hash", timedelta(hours=24))
        except BaseException as error:  # a thread's exception is otherwise lost
            with lock:
                errors.append(error)
            return
        with lock:
            results.append(claim)

    threads = [threading.Thread(target=attempt) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # THEN every attempt answered; exactly one may run; the others see it in progress
    assert errors == []
    assert len(results) == 20
    assert sum(claim.owned for claim in results) == 1
    assert [c.in_progress for c in results if not c.owned] == [True] * 19
    stored = idempotency.IdempotencyItem.get(
        keys.idempotency_pk("user-1", "race"), keys.IDEMPOTENCY_SK, consistent_read=True
    )
    assert (stored.state, stored.request_hash) == (idempotency.IN_PROGRESS, "hash")


def test_crashed_request_releases_its_key_after_the_lease(stack: Any, frozen_clock: Any) -> None:
    assert idempotency.claim("u", "k", "h", timedelta(hours=24)).owned
    # One second before the lease ends (by the platform clock) the key is still held...
    frozen_clock.advance(idempotency.IN_PROGRESS_LEASE.total_seconds() - 1)
    held = idempotency.claim("u", "k", "h", timedelta(hours=24))
    assert (held.owned, held.in_progress) == (False, True)
    # ...and two seconds later the crashed request's key can be claimed again.
    frozen_clock.advance(2)
    assert idempotency.claim("u", "k", "h", timedelta(hours=24)).owned
    stored = idempotency.IdempotencyItem.get(
        keys.idempotency_pk("u", "k"), keys.IDEMPOTENCY_SK, consistent_read=True
    )
    lease_end = clock.now() + idempotency.IN_PROGRESS_LEASE
    assert stored.lease_until == int(lease_end.timestamp())
