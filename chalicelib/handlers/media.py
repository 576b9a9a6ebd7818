"""Uploads and downloads."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib import clock
from chalicelib.lazy import lazy_import
from chalicelib.schemas.media import MediaOut, PresignedPost, UploadOut, UploadRequest
from chalicelib.web.router import Api, RequestContext

if TYPE_CHECKING:
    from chalicelib.models import media_items as media_store
    from chalicelib.usecases import media as media_cases
else:
    media_cases = lazy_import("chalicelib.usecases.media")


api = Api(__name__, tag="media")


def serialize(media: media_store.Media) -> MediaOut:
    download = media_cases.download_url(media)
    return MediaOut(
        id=media.id,
        purpose=media.purpose,
        filename=media.filename,
        content_type=media.content_type,
        size=media.size,
        status=media.status,
        reason=media.reason,
        download_url=download[0] if download else None,
        download_expires_at=clock.to_rfc3339(download[1]) if download else None,
        created_at=clock.to_rfc3339(media.created_at),
        hidden=media.hidden,
    )


@api.post(
    "/v1/media/uploads",
    operation_id="createUpload",
    summary="Start an upload: a presigned S3 POST pinned to key, type and size",
    body=UploadRequest,
    response=UploadOut,
    status=201,
)
def create_upload(ctx: RequestContext) -> UploadOut:
    upload = media_cases.request_upload(ctx.principal, ctx.body)
    return UploadOut(
        media_id=upload.media.id,
        status=upload.media.status,
        upload=PresignedPost(url=upload.url, fields=upload.fields),
        expires_at=clock.to_rfc3339(upload.expires_at),
    )


@api.get(
    "/v1/media/{media_id}",
    operation_id="getMedia",
    summary="A media record; download_url only once verified",
    auth="optional",
    response=MediaOut,
    errors=(404,),
)
def get_media(ctx: RequestContext, media_id: str) -> MediaOut:
    return serialize(media_cases.get(media_id, ctx.viewer))
