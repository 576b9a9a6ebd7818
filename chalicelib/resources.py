"""Names of the AWS resources the code refers to at import time (decorators need them).
infra/ defines the resources under these same names; URLs and ARNs come from settings."""

from __future__ import annotations

QUEUE_NAMES: dict[str, str] = {
    "webhooks": "marketplace-webhooks",
    "payouts": "marketplace-payouts",
    "media": "marketplace-media",
    "notifications": "marketplace-notifications",
    "conversations": "marketplace-conversations",
    "email_feedback": "marketplace-email-feedback",
    "qc": "marketplace-qc",
    "stats": "marketplace-stats",
    "exports": "marketplace-exports",
}
DLQ_SUFFIX = "-dlq"
TIMERS_SWEEP_RATE_MINUTES = 1
FEATURED_REFRESH_RATE_MINUTES = 15
