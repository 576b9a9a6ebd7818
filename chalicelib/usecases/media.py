"""Uploads: a presigned POST whose policy pins key, type and size; then the validator, which
is the real guard (the emulator enforces no policy, and a client can lie about anything)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import unquote_plus

from chalicelib import clients, clock, ids, observability
from chalicelib.auth.principal import Principal
from chalicelib.auth.viewer import Viewer
from chalicelib.domain import media_rules
from chalicelib.errors import NotFoundError, ValidationError
from chalicelib.models import keys
from chalicelib.models import media_items as media_store
from chalicelib.schemas.media import UploadRequest
from chalicelib.settings import get_settings

UPLOAD_WINDOW = timedelta(minutes=15)
DOWNLOAD_WINDOW = timedelta(minutes=5)


@dataclass(frozen=True)
class Upload:
    media: media_store.Media
    url: str
    fields: dict[str, str]
    expires_at: datetime


def presigned_post(object_key: str, content_type: str, size: int) -> dict[str, Any]:
    """A POST policy S3 itself enforces: this exact key, this type, exactly this size."""
    post: dict[str, Any] = clients.client("s3").generate_presigned_post(
        Bucket=get_settings().media_bucket,
        Key=object_key,
        Fields={"Content-Type": content_type},
        Conditions=[
            {"Content-Type": content_type},
            ["content-length-range", size, size],
        ],
        ExpiresIn=int(UPLOAD_WINDOW.total_seconds()),
    )
    return post


def request_upload(principal: Principal, body: UploadRequest) -> Upload:
    problems = media_rules.upload_problems(
        body.purpose, body.filename, body.content_type, body.size
    )
    if problems:
        raise ValidationError("upload refused", {"problems": problems})
    media_id = ids.new_id()
    record = media_store.create(
        media_id,
        owner_user_id=principal.user_id,
        purpose=body.purpose,
        filename=body.filename,
        content_type=body.content_type,
        size=body.size,
    )
    post = presigned_post(record.object_key, body.content_type, body.size)
    return Upload(record, post["url"], dict(post["fields"]), clock.now() + UPLOAD_WINDOW)


def get(media_id: str, viewer: Viewer) -> media_store.Media:
    media = media_store.get(media_id)
    if media is None:
        raise NotFoundError("media not found")
    public = media.status == media_store.VERIFIED and media.purpose in media_rules.PUBLIC_PURPOSES
    public = public and not media.hidden
    viewer.require_visible(public, media.owner_user_id, "media")
    return media


def download_url(media: media_store.Media) -> tuple[str, datetime] | None:
    """A short-lived link, only for verified media; non-images download as attachments."""
    if media.status != media_store.VERIFIED:
        return None
    safe_name = "".join(c for c in media.filename if c.isalnum() or c in "._- ") or "file"
    disposition = (
        "inline"
        if media_rules.is_image(media.content_type)
        else f'attachment; filename="{safe_name}"'
    )
    url = clients.client("s3").generate_presigned_url(
        "get_object",
        Params={
            "Bucket": get_settings().media_bucket,
            "Key": media.object_key,
            "ResponseContentType": media.content_type,
            "ResponseContentDisposition": disposition,
        },
        ExpiresIn=int(DOWNLOAD_WINDOW.total_seconds()),
    )
    return str(url), clock.now() + DOWNLOAD_WINDOW


@dataclass(frozen=True)
class _ObjectFacts:
    size: int
    head: bytes
    etag: str


def _object_facts(bucket: str, object_key: str) -> _ObjectFacts | None:
    s3 = clients.client("s3")
    try:
        head = s3.head_object(Bucket=bucket, Key=object_key)
    except s3.exceptions.ClientError as error:
        if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
            return None
        raise
    size, etag = int(head["ContentLength"]), str(head["ETag"])
    if size == 0:
        return _ObjectFacts(0, b"", etag)
    # IfMatch: the bytes we sniff belong to the object whose size we just read.
    part = s3.get_object(
        Bucket=bucket, Key=object_key, Range=f"bytes=0-{media_rules.SNIFF_BYTES - 1}", IfMatch=etag
    )
    return _ObjectFacts(size, part["Body"].read(), etag)


def _delete_object(bucket: str, object_key: str) -> None:
    clients.client("s3").delete_object(Bucket=bucket, Key=object_key)


def _promote(bucket: str, upload_key: str, etag: str, media_id: str) -> str:
    """Copy the checked bytes where no upload form can write. CopySourceIfMatch fails if the
    upload was replaced after we looked at it; the retry then checks the new bytes."""
    verified_key = keys.verified_object_key(media_id)
    clients.client("s3").copy_object(
        Bucket=bucket,
        Key=verified_key,
        CopySource={"Bucket": bucket, "Key": upload_key},
        CopySourceIfMatch=etag,
    )
    return verified_key


def validate_object(bucket: str, raw_key: str) -> str:
    """Check an uploaded object against its record; returns what happened. Safe to repeat:
    a settled record is not checked again, and whatever sits at its upload key afterwards
    (a redelivery, or a second POST with the same form) is deleted, never served."""
    log: Any = observability.logger()
    object_key = unquote_plus(raw_key)  # S3 events carry form-encoded keys
    media_id = keys.media_id_from_object_key(object_key)
    if media_id is None:
        log.warning("ignored an event outside the upload prefix", extra={"key": object_key})
        return "ignored"
    record = media_store.get(media_id)
    if record is None:
        # No record (a stray or expired upload): nothing may keep the bytes.
        _delete_object(bucket, object_key)
        log.warning("deleted an object without a media record", extra={"key": object_key})
        return "orphan_deleted"
    if record.status != media_store.PENDING:
        _delete_object(bucket, object_key)
        return f"already_{record.status}"
    facts = _object_facts(bucket, object_key)
    if facts is None:
        reason: str | None = "the upload is missing"
    else:
        limit = media_rules.size_limit(record.purpose, record.content_type)
        reason = media_rules.verdict(
            record.content_type, record.size, limit, facts.size, facts.head
        )
    if reason or facts is None:
        media_store.settle(record.id, media_store.REJECTED, reason)
        _delete_object(bucket, object_key)
        log.info("media rejected", extra={"media_id": record.id, "reason": reason})
        return media_store.REJECTED
    stored_key = _promote(bucket, object_key, facts.etag, record.id)
    media_store.settle(record.id, media_store.VERIFIED, None, stored_key)
    _delete_object(bucket, object_key)
    return media_store.VERIFIED
