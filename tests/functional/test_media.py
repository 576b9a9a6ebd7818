"""Uploads: the request is checked, the presigned POST really uploads to the emulator, and
the media worker (fed the S3 event) verifies or rejects what arrived; downloads follow."""

from __future__ import annotations

import json
import struct
import zlib
from typing import Any
from urllib.parse import parse_qs, quote_plus, urlsplit

import pytest
import requests

from chalicelib import clients, ids
from chalicelib.models import media_items as media_store
from chalicelib.models.media_items import MediaItem
from tests.functional.conftest import ADMIN_EMAIL
from tests.support import JsonClient, Reply

OWNER = "owner@example.com"
OTHER = "other@example.com"


def _png() -> bytes:
    """A valid 1x1 RGB PNG."""

    def chunk(tag: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(tag + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")  # filter byte + one red pixel
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


PNG = _png()
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 40
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
TEXT = b"this is plain text, not an image at all\n"


def _request(
    api: JsonClient,
    filename: str,
    content_type: str,
    size: int,
    purpose: str = "portfolio",
    user: str = OWNER,
) -> Reply:
    body = {"purpose": purpose, "filename": filename, "content_type": content_type, "size": size}
    return api.post("/v1/media/uploads", as_user=user, json_body=body)


def _start(api: JsonClient, filename: str, content_type: str, size: int, **options: Any) -> Any:
    reply = _request(api, filename, content_type, size, **options)
    assert reply.status == 201, reply.body
    return reply.body


def _post_file(upload: dict[str, Any], filename: str, content: bytes) -> None:
    response = requests.post(
        upload["url"], data=upload["fields"], files={"file": (filename, content)}, timeout=10
    )
    assert response.status_code in (200, 201, 204), response.text


def _s3_event(bucket: str, key: str, size: int) -> str:
    record = {
        "eventVersion": "2.1",
        "eventSource": "aws:s3",
        "eventName": "ObjectCreated:Post",
        "s3": {
            "bucket": {"name": bucket},
            "object": {"key": quote_plus(key, safe="/"), "size": size},
        },
    }
    return json.dumps({"Records": [record]})


def _sqs_event(lambdas: Any, bodies: list[str]) -> dict[str, Any]:
    event: dict[str, Any] = lambdas.events.generate_sqs_event(
        message_bodies=bodies, queue_name="marketplace-media"
    )
    # chalice.test gives every record the same messageId; partial failures need real ones.
    for index, record in enumerate(event["Records"]):
        record["messageId"] = f"msg-{index}"
    return event


def _deliver(lambdas: Any, bodies: list[str]) -> Any:
    return lambdas.lambda_.invoke("media_worker", _sqs_event(lambdas, bodies)).payload


def _upload_and_check(
    api: JsonClient,
    lambdas: Any,
    stack: Any,
    *,
    filename: str,
    content_type: str,
    content: bytes,
    declared_size: int | None = None,
    purpose: str = "portfolio",
) -> tuple[str, str]:
    """Request an upload, post the bytes to the emulator, hand the S3 event to the worker."""
    started = _start(
        api,
        filename,
        content_type,
        len(content) if declared_size is None else declared_size,
        purpose=purpose,
    )
    _post_file(started["upload"], filename, content)
    key = started["upload"]["fields"]["key"]
    result = _deliver(lambdas, [_s3_event(stack.bucket, key, len(content))])
    assert result == {"batchItemFailures": []}
    return started["media_id"], key


def _object_exists(stack: Any, key: str) -> bool:
    s3 = clients.client("s3")
    try:
        s3.head_object(Bucket=stack.bucket, Key=key)
    except s3.exceptions.ClientError as error:
        assert error.response["Error"]["Code"] in ("404", "NoSuchKey", "NotFound")
        return False
    return True


def _media_items() -> list[MediaItem]:
    return list(MediaItem.scan())


def _query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


# --- requesting an upload -------------------------------------------------------------


def test_request_upload_returns_a_presigned_post(api: JsonClient, frozen_clock: Any) -> None:
    reply = _request(api, "work.png", "image/png", 1234)
    assert reply.status == 201, reply.body
    assert set(reply.body) == {"media_id", "status", "upload", "expires_at"}
    assert ids.is_valid_id(reply.body["media_id"])
    assert reply.body["status"] == "pending"
    assert reply.body["upload"]["url"].startswith("http")
    fields = reply.body["upload"]["fields"]
    assert fields["key"] == f"media/{reply.body['media_id']}"
    assert fields["Content-Type"] == "image/png"
    assert "policy" in fields
    assert reply.body["expires_at"] == "2026-11-22T12:15:00Z"
    # WHEN the owner looks at it THEN it is pending, with nothing to download yet
    media = api.get(f"/v1/media/{reply.body['media_id']}", as_user=OWNER)
    assert media.status == 200, media.body
    assert media.body["status"] == "pending"
    assert media.body["download_url"] is None
    assert media.body["filename"] == "work.png"
    assert media.body["size"] == 1234


BAD_REQUESTS = [
    {"purpose": "selfie", "filename": "a.png", "content_type": "image/png", "size": 10},
    {"purpose": "avatar", "filename": "a.mp4", "content_type": "video/mp4", "size": 10},
    {"purpose": "attachment", "filename": "a.txt", "content_type": "text/plain", "size": 10},
    {
        "purpose": "attachment",
        "filename": "setup.exe",
        "content_type": "application/pdf",
        "size": 9,
    },
    {"purpose": "portfolio", "filename": "a.png", "content_type": "image/jpeg", "size": 10},
    {"purpose": "portfolio", "filename": "a.png", "content_type": "image/png", "size": 0},
    {"purpose": "avatar", "filename": "a.png", "content_type": "image/png", "size": 5 * 2**20 + 1},
    {"purpose": "portfolio", "filename": "a.png", "content_type": "image/png"},
    {"purpose": "portfolio", "filename": "a.png", "size": 10},
    {},
    {"purpose": "portfolio", "filename": "a.png", "content_type": "image/png", "size": 10, "x": 1},
    {"purpose": "portfolio", "filename": "../a.png", "content_type": "image/png", "size": 10},
    {"purpose": "portfolio", "filename": "dir/a.png", "content_type": "image/png", "size": 10},
    {"purpose": "portfolio", "filename": "", "content_type": "image/png", "size": 10},
    {"purpose": "portfolio", "filename": "a.png", "content_type": "image/png", "size": "10x"},
]


@pytest.mark.parametrize("body", BAD_REQUESTS)
def test_bad_upload_requests_are_refused_and_store_nothing(
    api: JsonClient, body: dict[str, Any]
) -> None:
    reply = api.post("/v1/media/uploads", as_user=OWNER, json_body=body)
    assert reply.status == 400, reply.body
    assert reply.error_code == "VALIDATION_ERROR"
    assert set(reply.body["error"]) == {"code", "message", "details"}
    assert _media_items() == []


def test_upload_requires_authentication(api: JsonClient) -> None:
    body = {"purpose": "portfolio", "filename": "a.png", "content_type": "image/png", "size": 10}
    reply = api.post("/v1/media/uploads", json_body=body)
    assert reply.status == 401
    assert reply.error_code == "UNAUTHENTICATED"
    assert _media_items() == []


# --- the validator ------------------------------------------------------------------------


def test_a_real_png_is_verified_and_public(api: JsonClient, lambdas: Any, stack: Any) -> None:
    media_id, key = _upload_and_check(
        api, lambdas, stack, filename="red.png", content_type="image/png", content=PNG
    )
    for user in (OWNER, OTHER, None):
        reply = api.get(f"/v1/media/{media_id}", as_user=user)
        assert reply.status == 200, (user, reply.body)
        assert reply.body["status"] == "verified"
        assert reply.body["reason"] is None
        assert reply.body["download_url"]
        assert reply.body["download_expires_at"]
        query = _query(reply.body["download_url"])
        assert query["response-content-disposition"] == ["inline"]
        assert query["response-content-type"] == ["image/png"]
    # THEN the link serves the very bytes uploaded
    download = requests.get(reply.body["download_url"], timeout=10)
    assert download.status_code == 200
    assert download.content == PNG
    # AND the checked bytes moved where no upload form can write; the upload key is empty
    assert _object_exists(stack, key.replace("media/", "verified/", 1))
    assert not _object_exists(stack, key)


def test_a_pdf_attachment_is_private(api: JsonClient, lambdas: Any, stack: Any) -> None:
    media_id, _ = _upload_and_check(
        api,
        lambdas,
        stack,
        filename="brief.pdf",
        content_type="application/pdf",
        content=PDF,
        purpose="attachment",
    )
    mine = api.get(f"/v1/media/{media_id}", as_user=OWNER)
    assert mine.status == 200
    assert mine.body["status"] == "verified"
    query = _query(mine.body["download_url"])
    assert query["response-content-disposition"] == ['attachment; filename="brief.pdf"']
    download = requests.get(mine.body["download_url"], timeout=10)
    assert download.content == PDF
    # THEN others and anonymous callers cannot see it; an admin can
    assert api.get(f"/v1/media/{media_id}", as_user=OTHER).status == 404
    assert api.get(f"/v1/media/{media_id}").status == 404
    admin = api.get(f"/v1/media/{media_id}", as_user=ADMIN_EMAIL)
    assert admin.status == 200
    assert admin.body["download_url"]


@pytest.mark.parametrize(
    ("filename", "content_type", "content", "declared_size", "reason_part"),
    [
        ("fake.png", "image/png", TEXT, None, "not of any accepted type"),
        ("liar.png", "image/png", JPEG, None, "image/jpeg, not the image/png declared"),
        ("big.png", "image/png", PNG + b"\x00" * 100, len(PNG), "not the"),
        ("empty.png", "image/png", b"", 1, "the file is empty"),
    ],
    ids=["text-as-png", "jpeg-as-png", "larger-than-declared", "empty"],
)
def test_bad_content_is_rejected_and_deleted(
    api: JsonClient,
    lambdas: Any,
    stack: Any,
    filename: str,
    content_type: str,
    content: bytes,
    declared_size: int | None,
    reason_part: str,
) -> None:
    media_id, key = _upload_and_check(
        api,
        lambdas,
        stack,
        filename=filename,
        content_type=content_type,
        content=content,
        declared_size=declared_size,
    )
    reply = api.get(f"/v1/media/{media_id}", as_user=OWNER)
    assert reply.status == 200
    assert reply.body["status"] == "rejected"
    assert reason_part in reply.body["reason"]
    assert reply.body["download_url"] is None
    assert not _object_exists(stack, key)
    # AND rejected portfolio media is not public
    assert api.get(f"/v1/media/{media_id}", as_user=OTHER).status == 404


def test_redelivered_events_change_nothing(api: JsonClient, lambdas: Any, stack: Any) -> None:
    good_id, good_key = _upload_and_check(
        api, lambdas, stack, filename="ok.png", content_type="image/png", content=PNG
    )
    bad_id, bad_key = _upload_and_check(
        api, lambdas, stack, filename="no.png", content_type="image/png", content=TEXT
    )
    before = {m: media_store.get(m) for m in (good_id, bad_id)}
    # WHEN both events are delivered twice more
    events = [
        _s3_event(stack.bucket, good_key, len(PNG)),
        _s3_event(stack.bucket, bad_key, len(TEXT)),
    ]
    for _ in range(2):
        assert _deliver(lambdas, events) == {"batchItemFailures": []}
    # THEN nothing changed: same status, reason and check time; the bad object stays gone
    for media_id in (good_id, bad_id):
        assert media_store.get(media_id) == before[media_id]
    good, bad = before[good_id], before[bad_id]
    assert good is not None and good.status == "verified" and good.checked_at is not None
    assert bad is not None and bad.status == "rejected" and bad.checked_at is not None
    assert _object_exists(stack, good_key.replace("media/", "verified/", 1))
    assert not _object_exists(stack, good_key)
    assert not _object_exists(stack, bad_key)


def test_reupload_to_a_rejected_key_is_deleted_again(
    api: JsonClient, lambdas: Any, stack: Any
) -> None:
    # GIVEN a rejected upload whose presigned POST is still valid
    started = _start(api, "x.png", "image/png", len(TEXT))
    _post_file(started["upload"], "x.png", TEXT)
    key = started["upload"]["fields"]["key"]
    _deliver(lambdas, [_s3_event(stack.bucket, key, len(TEXT))])
    # WHEN the client posts again with the same form
    _post_file(started["upload"], "x.png", TEXT)
    assert _deliver(lambdas, [_s3_event(stack.bucket, key, len(TEXT))]) == {"batchItemFailures": []}
    # THEN the bytes are deleted again and the record stays rejected
    assert not _object_exists(stack, key)
    assert api.get(f"/v1/media/{started['media_id']}", as_user=OWNER).body["status"] == "rejected"


def test_overwrite_after_verification_is_not_served_as_verified(
    api: JsonClient, lambdas: Any, stack: Any
) -> None:
    # GIVEN a verified PNG whose presigned POST is still valid (15 minutes)
    started = _start(api, "ok.png", "image/png", len(PNG))
    _post_file(started["upload"], "ok.png", PNG)
    key = started["upload"]["fields"]["key"]
    _deliver(lambdas, [_s3_event(stack.bucket, key, len(PNG))])
    media_id = started["media_id"]
    assert api.get(f"/v1/media/{media_id}", as_user=OWNER).body["status"] == "verified"
    # WHEN the client posts other bytes of the same size and type with the same form (real S3
    # would accept it too: key, Content-Type and size all satisfy the policy)
    swapped = TEXT.ljust(len(PNG), b"!")
    _post_file(started["upload"], "ok.png", swapped)
    assert _deliver(lambdas, [_s3_event(stack.bucket, key, len(swapped))]) == {
        "batchItemFailures": []
    }
    # THEN the unchecked bytes must not be served as verified media
    reply = api.get(f"/v1/media/{media_id}", as_user=OTHER)
    served = (
        requests.get(reply.body["download_url"], timeout=10).content
        if reply.status == 200 and reply.body["download_url"]
        else None
    )
    assert served == PNG
    # AND the swapped upload itself is discarded
    assert not _object_exists(stack, key)


def test_an_object_without_a_record_is_deleted(lambdas: Any, stack: Any) -> None:
    s3 = clients.client("s3")
    stray = f"media/{ids.new_id()}"
    odd = "media/no record here.txt"  # S3 form-encodes the key in its event: '+' for space
    for key in (stray, odd):
        s3.put_object(Bucket=stack.bucket, Key=key, Body=TEXT)
    events = [_s3_event(stack.bucket, stray, len(TEXT)), _s3_event(stack.bucket, odd, len(TEXT))]
    assert "no+record+here.txt" in events[1]
    assert _deliver(lambdas, events) == {"batchItemFailures": []}
    assert not _object_exists(stack, stray)
    assert not _object_exists(stack, odd)


def test_pending_media_is_private(api: JsonClient) -> None:
    started = _start(api, "soon.png", "image/png", 100)
    path = f"/v1/media/{started['media_id']}"
    assert api.get(path, as_user=OTHER).status == 404
    assert api.get(path).status == 404
    assert api.get(path, as_user=OWNER).status == 200


def test_unknown_media_is_404(api: JsonClient) -> None:
    reply = api.get(f"/v1/media/{ids.new_id()}", as_user=OWNER)
    assert reply.status == 404
    assert reply.error_code == "NOT_FOUND"


def test_worker_reports_only_the_bad_record(api: JsonClient, lambdas: Any, stack: Any) -> None:
    started = _start(api, "ok.png", "image/png", len(PNG))
    _post_file(started["upload"], "ok.png", PNG)
    key = started["upload"]["fields"]["key"]
    bodies = [
        _s3_event(stack.bucket, key, len(PNG)),
        "not json",
        json.dumps({"Event": "s3:TestEvent"}),
    ]
    assert _deliver(lambdas, bodies) == {"batchItemFailures": [{"itemIdentifier": "msg-1"}]}
    # THEN the good record was still processed
    media = api.get(f"/v1/media/{started['media_id']}", as_user=OWNER)
    assert media.body["status"] == "verified"


def test_non_s3_messages_fail(lambdas: Any, stack: Any) -> None:
    bodies = [json.dumps({"hello": "world"}), json.dumps(["a", "list"])]
    result = _deliver(lambdas, bodies)
    assert sorted(f["itemIdentifier"] for f in result["batchItemFailures"]) == ["msg-0", "msg-1"]
