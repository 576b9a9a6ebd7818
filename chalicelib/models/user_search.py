"""The admins' user directory: one small index item per normalised email and per normalised
word of the display name, so `GET /v1/admin/users?q=` is a prefix Query, never a Scan.

Layout: the items live beside the user (`PK = USER_SEARCH#<user id>`, `SK = <kind>#<term>`)
and in GSI1 under the term's first character (`GSI1PK = USER_SEARCH#<char>`,
`GSI1SK = <term>#<user id>`), so a prefix query reads one partition with `begins_with`.
They are written in the same transaction as the user's provisioning and as every change of
the email or the display name (old terms deleted, new ones put)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pynamodb.attributes import UnicodeAttribute

from chalicelib.domain import text
from chalicelib.models import pagination
from chalicelib.models.base import Item

MAX_NAME_TERMS = 8
MAX_TERM_LENGTH = 100


def _pk(user_id: str) -> str:
    return f"USER_SEARCH#{user_id}"


def _gsi1pk(term: str) -> str:
    return f"USER_SEARCH#{term[:1]}"


class UserSearchItem(Item, discriminator="user_search"):
    user_id = UnicodeAttribute()
    term = UnicodeAttribute()
    # The identity key of the user item (one GetItem per hit, batched).
    identity_pk = UnicodeAttribute()


@dataclass(frozen=True)
class Hit:
    user_id: str
    identity_pk: str


def normalise_email(email: str) -> str:
    return email.strip().casefold()[:MAX_TERM_LENGTH]


def terms(email: str | None, display_name: str | None) -> set[str]:
    """Every term a user is found by: the whole email, and each word of the name."""
    found: set[str] = set()
    if email:
        found.add(normalise_email(email))
    if display_name:
        words = text.normalize(display_name).split()
        found.update(word[:MAX_TERM_LENGTH] for word in words[:MAX_NAME_TERMS] if word)
    return found


def _item(user_id: str, identity_pk: str, term: str) -> UserSearchItem:
    return UserSearchItem(
        _pk(user_id),
        f"TERM#{term}",
        user_id=user_id,
        term=term,
        identity_pk=identity_pk,
        gsi1pk=_gsi1pk(term),
        gsi1sk=f"{term}#{user_id}",
    )


def write_in(
    transaction: Any,
    user_id: str,
    identity_pk: str,
    before: tuple[str | None, str | None],
    after: tuple[str | None, str | None],
) -> None:
    """In the transaction that changes the user's email or name: drop the terms that went,
    put the ones that came (`before`/`after` are (email, display_name))."""
    old, new = terms(*before), terms(*after)
    for term in sorted(old - new):
        transaction.delete(_item(user_id, identity_pk, term))
    for term in sorted(new - old):
        transaction.save(_item(user_id, identity_pk, term))


def query(q: str, limit: int, cursor: str | None) -> tuple[list[Hit], str | None]:
    """Users with a term starting with the normalised `q`, in term order: one Query."""
    prefix = normalise_email(q) if "@" in q else text.normalize(q).strip()
    if not prefix:
        return [], None
    partition = _gsi1pk(prefix)
    results = UserSearchItem.gsi1.query(
        partition,
        UserSearchItem.gsi1sk.startswith(prefix),
        limit=limit,
        page_size=limit,
        last_evaluated_key=pagination.decode(cursor, {"GSI1PK": partition}),
    )
    hits = [
        Hit(item.user_id, item.identity_pk) for item in results if isinstance(item, UserSearchItem)
    ]
    return hits, pagination.encode(results.last_evaluated_key)
