"""URLs a provider sends a browser back to: only to origins listed in
ALLOWED_RETURN_ORIGINS, so our payment and onboarding pages cannot be made to open
someone else's site (an open redirect)."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field

from chalicelib.origins import origin_of
from chalicelib.settings import get_settings


def _allowed(url: str) -> str:
    origin = origin_of(url)
    if origin is None:
        raise ValueError("must be an absolute http(s) URL")
    if origin not in get_settings().allowed_return_origins:
        raise ValueError(f"{origin} is not an allowed return origin (ALLOWED_RETURN_ORIGINS)")
    return url


ReturnUrl = Annotated[str, Field(max_length=2000, pattern=r"^https?://"), AfterValidator(_allowed)]
