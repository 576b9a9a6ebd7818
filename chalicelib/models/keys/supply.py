"""Table keys: talent profiles, services, media, calendars and saved talent."""

from __future__ import annotations


# Talent: the profile and its portfolio share a partition, so one Query serves a profile page.
def talent_pk(talent_id: str) -> str:
    return f"TALENT#{talent_id}"


PROFILE_SK = "PROFILE"
PORTFOLIO_PREFIX = "PORTFOLIO#"


def portfolio_sk(item_id: str) -> str:
    return f"{PORTFOLIO_PREFIX}{item_id}"


def service_pk(service_id: str) -> str:
    return f"SERVICE#{service_id}"


SERVICE_SK = "SERVICE"


def services_of_talent_gsi1pk(talent_id: str) -> str:
    return f"TALENT#{talent_id}#SERVICES"


def service_gsi1sk(service_id: str) -> str:
    return f"SERVICE#{service_id}"


def media_pk(media_id: str) -> str:
    return f"MEDIA#{media_id}"


MEDIA_SK = "MEDIA"
# Uploads land under media/ (the only prefix a presigned POST can write, and the only one
# whose ObjectCreated events reach the validator); verified copies live under verified/,
# which no upload form can overwrite, and are the only objects ever served.
UPLOAD_PREFIX = "media/"
VERIFIED_PREFIX = "verified/"


def media_object_key(media_id: str) -> str:
    return f"{UPLOAD_PREFIX}{media_id}"


def verified_object_key(media_id: str) -> str:
    return f"{VERIFIED_PREFIX}{media_id}"


def media_id_from_object_key(object_key: str) -> str | None:
    if not object_key.startswith(UPLOAD_PREFIX):
        return None
    return object_key[len(UPLOAD_PREFIX) :] or None


# A talent's calendar: explicit days (`<date>#A`) and booked-day guards (`<date>#B`)
# sort together by date, so one range Query returns a window of both.
def calendar_pk(talent_id: str) -> str:
    return f"CAL#{talent_id}"


def calendar_day_sk(day_iso: str) -> str:
    return f"{day_iso}#A"


def calendar_booked_sk(day_iso: str) -> str:
    """One guard per talent and day: the key itself is the double-booking lock."""
    return f"{day_iso}#B"


def calendar_range(first_iso: str, last_iso: str) -> tuple[str, str]:
    return f"{first_iso}#", f"{last_iso}#~"


def saved_pk(user_id: str) -> str:
    return f"SAVED#{user_id}"


def saved_sk(talent_id: str) -> str:
    return f"TALENT#{talent_id}"


def saved_by_time_gsi1sk(saved_at_iso: str, talent_id: str) -> str:
    return f"{saved_at_iso}#{talent_id}"
