"""Table keys: conversations (threads, messages, inboxes, relations, blocks, anti-spam,
connections, reports)."""

from __future__ import annotations


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


def spam_body_sk(body_hash: str) -> str:
    return f"BODY#{body_hash}"


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
