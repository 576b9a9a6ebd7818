"""Media a request points at (a milestone's attachments, dispute evidence): only the
caller's own, verified, uploaded for the purpose. A missing id, someone else's media and an
unverified one get the same 400, so the answer never tells whether another user's media
exists."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from chalicelib.domain import process_engine as engine
from chalicelib.errors import ValidationError
from chalicelib.models import media_items as media_store


def require_own_verified(
    field: str, media_ids: Sequence[str], owner_user_id: str | None, purposes: Iterable[str]
) -> None:
    found = {media_id: media_store.get(media_id) for media_id in media_ids}
    check_own_verified(field, media_ids, found, owner_user_id, purposes)


def check_own_verified(
    field: str,
    media_ids: Sequence[str],
    found: Mapping[str, media_store.Media | None],
    owner_user_id: str | None,
    purposes: Iterable[str],
) -> None:
    """The same check on media already read (with other items, in one BatchGetItem)."""
    allowed = set(purposes)
    refused = []
    for media_id in media_ids:
        media = found.get(media_id)
        if (
            media is None
            or owner_user_id is None
            or media.owner_user_id != owner_user_id
            or media.status != media_store.VERIFIED
            or (allowed and media.purpose not in allowed)
        ):
            refused.append(media_id)
    if refused:
        raise ValidationError(
            f"{field}: not one of your verified {' or '.join(sorted(allowed)) or 'media'}",
            {"field": field, "media_ids": refused},
        )


def check_transition_media(decision: engine.Decision, caller_user_id: str | None) -> None:
    for param in decision.transition.params:
        if param.type == "media_ids" and decision.params.get(param.name):
            require_own_verified(
                param.name, decision.params[param.name], caller_user_id, param.purposes
            )
