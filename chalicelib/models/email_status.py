"""Whether an email address still takes mail: SES bounce and complaint notifications mark
it undeliverable (one item per address, keyed by its digest), and no email goes to it
after that. Shown to its owner on GET /v1/me as `email_status`."""

from __future__ import annotations

from pynamodb.attributes import UnicodeAttribute, UTCDateTimeAttribute

from chalicelib import clock
from chalicelib.models import keys
from chalicelib.models.base import Item

DELIVERABLE = "deliverable"
BOUNCED = "bounced"
COMPLAINED = "complained"


class EmailStatusItem(Item, discriminator="email_status"):
    address = UnicodeAttribute()
    status = UnicodeAttribute()
    reason = UnicodeAttribute(null=True)
    updated_at = UTCDateTimeAttribute()


def status_of(address: str | None) -> str:
    if not address:
        return DELIVERABLE
    try:
        item = EmailStatusItem.get(keys.email_status_pk(address), keys.EMAIL_STATUS_SK)
    except EmailStatusItem.DoesNotExist:
        return DELIVERABLE
    return item.status


def mark_undeliverable(address: str, status: str, reason: str) -> None:
    """A blind put: the latest bounce or complaint is what counts (an idempotent write)."""
    if status not in (BOUNCED, COMPLAINED):
        raise ValueError(f"unknown email status {status!r}")
    EmailStatusItem(
        keys.email_status_pk(address),
        keys.EMAIL_STATUS_SK,
        address=address.strip().lower(),
        status=status,
        reason=reason[:500],
        updated_at=clock.now(),
    ).save()
