"""Table keys: the ledger, payments and payouts."""

from __future__ import annotations


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
