"""S3 ObjectCreated on the media bucket -> the validator."""

from __future__ import annotations

from typing import Any

from chalicelib.usecases import media
from chalicelib.workers.queues import media as media_queue


@media_queue.register("s3:ObjectCreated")
def on_object_created(message: dict[str, Any]) -> None:
    s3 = message["record"]["s3"]
    media.validate_object(s3["bucket"]["name"], s3["object"]["key"])
