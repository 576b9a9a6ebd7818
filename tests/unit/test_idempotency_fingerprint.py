from __future__ import annotations

from chalicelib.web.idempotency import request_fingerprint


def test_same_json_in_another_layout_is_the_same_request() -> None:
    a = request_fingerprint("POST", "/v1/x", b'{"a": 1, "b": [1, 2]}')
    b = request_fingerprint("POST", "/v1/x", b'{"b":[1,2],"a":1}')
    assert a == b


def test_body_path_and_method_all_count() -> None:
    base = request_fingerprint("POST", "/v1/x", b'{"a": 1}')
    assert base != request_fingerprint("POST", "/v1/x", b'{"a": 2}')
    assert base != request_fingerprint("POST", "/v1/y", b'{"a": 1}')
    assert base != request_fingerprint("PUT", "/v1/x", b'{"a": 1}')
    assert request_fingerprint("POST", "/v1/x", b"not json") != base
