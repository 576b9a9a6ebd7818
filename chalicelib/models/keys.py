"""Every key string in the table is built here and nowhere else."""

from __future__ import annotations

import hashlib

# Generic key attributes: the table knows nothing of entity types.
PK, SK = "PK", "SK"


def _issuer_tag(issuer: str) -> str:
    # Issuers are URLs; a short stable hash keeps keys compact and free of '#'.
    return hashlib.sha256(issuer.encode()).hexdigest()[:16]


def identity_pk(issuer: str, subject: str) -> str:
    return f"IDENTITY#{_issuer_tag(issuer)}#{subject}"


USER_SK = "USER"


def user_by_id_gsi1pk(user_id: str) -> str:
    return f"USER#{user_id}"


def idempotency_pk(scope: str, key: str) -> str:
    return f"IDEMPOTENCY#{scope}#{key}"


IDEMPOTENCY_SK = "RECORD"

# Timers: a sparse index (GSI3) holds only items that are due at some moment.
TIMER_SHARD_COUNT = 4


def timer_gsi3pk(shard: int) -> str:
    return f"TIMERS#{shard}"


def timer_gsi3sk(due_at_iso: str, timer_id: str) -> str:
    return f"{due_at_iso}#{timer_id}"


def dead_timers_gsi1pk() -> str:
    """GSI1 partition of timers parked after too many failed attempts."""
    return "TIMERS#DEAD"


def timer_pk(timer_id: str) -> str:
    return f"TIMER#{timer_id}"


TIMER_SK = "TIMER"


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


# Conversations: a thread and its messages share a partition (a page of messages is one
# Query); each participant's inbox entry sorts by latest activity on GSI1.
def thread_pk(thread_id: str) -> str:
    return f"THREAD#{thread_id}"


THREAD_SK = "THREAD"
MESSAGE_PREFIX = "MSG#"


def message_sk(message_id: str) -> str:
    return f"{MESSAGE_PREFIX}{message_id}"


def message_gsi1pk(message_id: str) -> str:
    return f"MESSAGE#{message_id}"


def thread_attachment_sk(media_id: str) -> str:
    return f"ATTACH#{media_id}"


def inbox_pk(user_id: str) -> str:
    return f"INBOX#{user_id}"


def inbox_sk(thread_id: str) -> str:
    return f"THREAD#{thread_id}"


def inbox_by_activity_gsi1sk(activity_iso: str, thread_id: str) -> str:
    return f"{activity_iso}#{thread_id}"


def pair_pk(user_a: str, user_b: str) -> str:
    first, second = sorted((user_a, user_b))
    return f"PAIR#{first}#{second}"


PAIR_PAID_SK = "PAID"


def user_standing_pk(user_id: str) -> str:
    return f"STANDING#{user_id}"


ESTABLISHED_SK = "ESTABLISHED"


def block_pk(blocker_id: str) -> str:
    return f"BLOCKS#{blocker_id}"


def block_sk(blocked_id: str) -> str:
    return f"USER#{blocked_id}"


def spam_pk(user_id: str) -> str:
    return f"SPAM#{user_id}"


def spam_threads_sk(day_iso: str) -> str:
    return f"THREADS#{day_iso}"


def spam_body_sk(body_hash: str, window_iso: str) -> str:
    return f"BODY#{body_hash}#{window_iso}"


def ws_connection_pk(connection_id: str) -> str:
    return f"WSCONN#{connection_id}"


WS_CONNECTION_SK = "CONN"


def ws_connections_of_user_gsi1pk(user_id: str) -> str:
    return f"USER#{user_id}#WS"


def report_pk(report_id: str) -> str:
    return f"REPORT#{report_id}"


REPORT_SK = "REPORT"


def reports_by_state_gsi1pk(state: str) -> str:
    return f"REPORTS#{state}"


# Reviews (docs/data-model.md): the review by id; per subject one slot per party, whose
# key makes "once per party" a put condition; per reviewee the published reviews (GSI1,
# sparse: only published, unhidden ones) and one reputation item of running sums.
def review_pk(review_id: str) -> str:
    return f"REVIEW#{review_id}"


REVIEW_SK = "REVIEW"


def review_slots_pk(subject_type: str, subject_id: str) -> str:
    return f"REVIEWS#{subject_type}#{subject_id}"


def review_slot_sk(role: str) -> str:
    return f"BY#{role}"


def reviews_of_gsi1pk(reviewee_type: str, reviewee_id: str) -> str:
    return f"REVIEWS_OF#{reviewee_type}#{reviewee_id}"


def reviews_of_gsi1sk(published_iso: str, review_id: str) -> str:
    return f"{published_iso}#{review_id}"


def reputation_pk(reviewee_type: str, reviewee_id: str) -> str:
    return f"REPUTATION#{reviewee_type}#{reviewee_id}"


REPUTATION_SK = "REPUTATION"


# Search index (docs/search.md): postings per bucket, and per talent a directory of the
# buckets it is posted in, so that a reindex knows what to remove.
def search_pk(bucket: str) -> str:
    return f"SRCH#{bucket}"


def search_rating_gsi1pk(bucket: str) -> str:
    return f"SRCH#{bucket}#R"


def search_price_gsi2pk(bucket: str, currency: str) -> str:
    return f"SRCH#{bucket}#P#{currency}"


def search_directory_pk(talent_id: str) -> str:
    return f"SRCHDIR#{talent_id}"


SEARCH_DIRECTORY_SK = "BUCKETS"
FEATURED_PK = "FEATURED"


def featured_sk(section: str) -> str:
    return f"SECTION#{section}"


# Process subjects (bookings, proposals, contracts, milestones): the state item and its
# history share a partition, so the history is one Query and a transition one transaction.
def subject_pk(subject_type: str, subject_id: str) -> str:
    return f"{subject_type.upper()}#{subject_id}"


SUBJECT_SK = "STATE"
EVENT_PREFIX = "EVENT#"


def event_sk(version: int) -> str:
    return f"{EVENT_PREFIX}{version:06d}"


def subjects_of_user_gsi1pk(user_id: str, subject_type: str) -> str:
    return f"USER#{user_id}#{subject_type.upper()}S"


def subjects_of_talent_gsi2pk(talent_id: str, subject_type: str) -> str:
    return f"TALENT#{talent_id}#{subject_type.upper()}S"


def subject_by_time_sk(created_iso: str, subject_id: str) -> str:
    return f"{created_iso}#{subject_id}"


def milestones_of_contract_gsi1pk(contract_id: str) -> str:
    return f"CONTRACT#{contract_id}#MILESTONES"


def milestone_position_sk(position: int) -> str:
    return f"{position:03d}"


def proposals_of_job_gsi1pk(job_id: str) -> str:
    return f"JOB#{job_id}#PROPOSALS"


# Jobs: open public jobs are listed by time, all together and per category (sparse: a job
# leaves both lists when it closes); a job's invites and its one-proposal-per-talent guards
# live in its partition.
def job_pk(job_id: str) -> str:
    return f"JOB#{job_id}"


JOB_SK = "JOB"
OPEN_JOBS = "JOBS#OPEN"


def open_jobs_in_category_gsi2pk(category: str) -> str:
    return f"JOBS#OPEN#{category}"


def jobs_of_owner_gsi1pk(user_id: str) -> str:
    return f"USER#{user_id}#JOBS"


def job_invite_sk(talent_id: str) -> str:
    return f"INVITE#{talent_id}"


def job_proposer_sk(talent_id: str) -> str:
    return f"PROPOSER#{talent_id}"


# The ledger: entries by their (deterministic) id; per account, its balance per currency
# and its postings by time.
def ledger_entry_pk(entry_id: str) -> str:
    return f"LEDGER#{entry_id}"


LEDGER_ENTRY_SK = "ENTRY"
LEDGER_BALANCE_PREFIX = "BALANCE#"


def ledger_account_pk(account: str) -> str:
    return f"ACCOUNT#{account}"


def ledger_balance_sk(currency: str, shard: int | None = None) -> str:
    """An account's balance in one currency; a busy account's in one of its shards."""
    if shard is None:
        return f"{LEDGER_BALANCE_PREFIX}{currency}"
    return f"{LEDGER_BALANCE_PREFIX}{currency}#{shard}"


def ledger_posting_sk(at_iso: str, entry_id: str, currency: str) -> str:
    return f"POSTING#{at_iso}#{entry_id}#{currency}"


# Payments: by our id; by the provider's reference (webhooks name only that).
def payment_pk(payment_id: str) -> str:
    return f"PAYMENT#{payment_id}"


PAYMENT_SK = "PAYMENT"


def payment_by_ref_pk(provider: str, provider_ref: str) -> str:
    return f"PAYREF#{provider}#{provider_ref}"


PAYMENT_REF_SK = "REF"


def payments_of_subject_gsi1pk(subject_type: str, subject_id: str) -> str:
    return f"{subject_type.upper()}#{subject_id}#PAYMENTS"


def webhook_pk(webhook_id: str) -> str:
    return f"WEBHOOK#{webhook_id}"


WEBHOOK_SK = "WEBHOOK"


def refund_pk(refund_id: str) -> str:
    return f"REFUND#{refund_id}"


REFUND_SK = "REFUND"


# Payouts: a talent's payout method (one item); payouts by id, listed per talent by time
# (GSI1), and the open ones an admin must act on (manual batch, unconfirmed) on a sparse
# GSI2 partition per state, which a payout leaves when it is settled.
def payout_method_pk(talent_id: str) -> str:
    return f"PAYOUTMETHOD#{talent_id}"


PAYOUT_METHOD_SK = "METHOD"


def payout_pk(payout_id: str) -> str:
    return f"PAYOUT#{payout_id}"


PAYOUT_SK = "PAYOUT"


def payouts_of_talent_gsi1pk(talent_id: str) -> str:
    return f"TALENT#{talent_id}#PAYOUTS"


def open_payouts_gsi2pk(state: str) -> str:
    return f"PAYOUTS#{state.upper()}"


def payout_by_time_sk(created_iso: str, payout_id: str) -> str:
    return f"{created_iso}#{payout_id}"


# Rate limiting: one token bucket per (scope, who), one item per refill window (TTL'd).
def rate_bucket_pk(scope: str, who: str) -> str:
    return f"RATE#{scope}#{who}"


def rate_window_sk(window: int) -> str:
    return f"WINDOW#{window}"


# Counters of things admins watch (e.g. callbacks naming no payment), one item per UTC day.
def counter_pk(name: str, dimension: str) -> str:
    return f"COUNTER#{name}#{dimension}"


def counter_day_sk(day_iso: str) -> str:
    return f"DAY#{day_iso}"


# Notifications: a user's partition holds the notifications (time-ordered ids), the unread
# counter and the per-thread message-email throttles; unread ones also sit on a sparse GSI1.
def notifications_pk(user_id: str) -> str:
    return f"NOTIFS#{user_id}"


def notification_sk(notification_id: str) -> str:
    return f"NOTIF#{notification_id}"


NOTIFICATION_PREFIX = "NOTIF#"
UNREAD_COUNTER_SK = "UNREAD"


def unread_notifications_gsi1pk(user_id: str) -> str:
    return f"NOTIFS#{user_id}#UNREAD"


def message_email_throttle_sk(thread_id: str) -> str:
    return f"MAILTHREAD#{thread_id}"


def email_status_pk(address: str) -> str:
    # Addresses are case-insensitive in practice and may hold '#': keyed by a digest.
    return f"EMAIL#{hashlib.sha256(address.strip().lower().encode()).hexdigest()[:32]}"


EMAIL_STATUS_SK = "STATUS"
