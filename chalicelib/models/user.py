"""Users: one item per (issuer, subject), so authenticating a request is a single GetItem."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from pynamodb.attributes import (
    BooleanAttribute,
    ListAttribute,
    MapAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.exceptions import DoesNotExist
from pynamodb.transactions import TransactWrite

from chalicelib import clock, ids
from chalicelib.errors import ConflictError, NotFoundError
from chalicelib.models import keys, stats, user_search
from chalicelib.models.base import Item, connection
from chalicelib.models.conditions import conflict_on_condition_failure
from chalicelib.models.writes import Writes


class UserItem(Item, discriminator="user"):
    """Changed only by field-level SETs, so it needs no version lock. (pynamodb's
    VersionAttribute would reset the version on such blind updates.)"""

    user_id = UnicodeAttribute()
    issuer = UnicodeAttribute()
    subject = UnicodeAttribute()
    email = UnicodeAttribute(null=True)
    # As the latest token that named the email said; only a verified email makes an admin.
    email_verified = BooleanAttribute(null=True)
    display_name = UnicodeAttribute(null=True)
    phone = UnicodeAttribute(null=True)
    timezone = UnicodeAttribute(default="UTC")
    locale = UnicodeAttribute(default="en")
    notification_prefs = MapAttribute[str, Any](default=dict)
    roles = ListAttribute[str](default=list)
    talent_id = UnicodeAttribute(null=True)
    status = UnicodeAttribute(default="active")
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()


@dataclass(frozen=True)
class User:
    id: str
    issuer: str
    subject: str
    email: str | None
    display_name: str | None
    phone: str | None
    timezone: str
    locale: str
    notification_prefs: dict[str, Any]
    roles: tuple[str, ...]
    talent_id: str | None
    status: str
    created_at: datetime
    updated_at: datetime
    email_verified: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def _to_user(item: UserItem) -> User:
    prefs = item.notification_prefs
    return User(
        id=item.user_id,
        issuer=item.issuer,
        subject=item.subject,
        email=item.email,
        display_name=item.display_name,
        phone=item.phone,
        timezone=item.timezone,
        locale=item.locale,
        notification_prefs=prefs.as_dict() if isinstance(prefs, MapAttribute) else dict(prefs),
        roles=tuple(item.roles or ()),
        talent_id=item.talent_id,
        status=item.status,
        created_at=item.created_at,
        updated_at=item.updated_at,
        email_verified=item.email_verified is True,
    )


def get_by_identity(issuer: str, subject: str) -> User | None:
    try:
        item = UserItem.get(keys.identity_pk(issuer, subject), keys.USER_SK)
    except DoesNotExist:
        return None
    return _to_user(item)


def get_by_id(user_id: str) -> User:
    for item in UserItem.gsi1.query(keys.user_by_id_gsi1pk(user_id), limit=1):
        if isinstance(item, UserItem):
            return _to_user(item)
    raise NotFoundError("user not found")


def provision(
    issuer: str,
    subject: str,
    email: str | None,
    display_name: str | None,
    *,
    email_verified: bool,
) -> User:
    """Create the user on its first authenticated call; a racing first call wins once."""
    now = clock.now()
    user_id = ids.new_id()
    item = UserItem(
        keys.identity_pk(issuer, subject),
        keys.USER_SK,
        user_id=user_id,
        issuer=issuer,
        subject=subject,
        email=email.lower() if email else None,
        email_verified=bool(email) and email_verified,
        display_name=display_name,
        roles=["customer"],
        notification_prefs=dict(DEFAULT_NOTIFICATION_PREFS),
        created_at=now,
        updated_at=now,
        gsi1pk=keys.user_by_id_gsi1pk(user_id),
        gsi1sk=keys.USER_SK,
    )
    try:
        with (
            conflict_on_condition_failure("user already provisioned"),
            TransactWrite(connection=connection()) as transaction,
        ):
            transaction.save(item, condition=UserItem.pk.does_not_exist())
            user_search.write_in(
                transaction, user_id, item.pk, (None, None), (item.email, display_name)
            )
            # The dashboard's new users of the day, counted by the provisioning itself.
            stats.add_to_day(transaction, now.date(), {"new_users": 1})
    except ConflictError:
        existing = get_by_identity(issuer, subject)
        if existing is None:  # pragma: no cover - the winner's write is visible to a strong read
            raise
        return existing
    return _to_user(item)


def sync_email(user: User, email: str | None, verified: bool) -> User:
    """Record the email and whether the identity provider verified it, as the latest token
    says (two field-level SETs, written only when something changed)."""
    if (user.email, user.email_verified) == (email, verified):
        return user
    item = UserItem(keys.identity_pk(user.issuer, user.subject), keys.USER_SK)
    actions = [
        UserItem.email.set(email) if email else UserItem.email.remove(),
        UserItem.email_verified.set(verified),
        UserItem.updated_at.set(clock.now()),
    ]
    _update_indexed(item, user, actions, email=email, display_name=user.display_name)
    return replace(user, email=email, email_verified=verified)


def _update_indexed(
    item: UserItem,
    user: User,
    actions: list[Any],
    *,
    email: str | None,
    display_name: str | None,
) -> None:
    """The user's field SETs, with the admin directory's terms moved in the same
    transaction when the email or the name changed (the email/name as read must still
    hold, so two racing renames cannot leave a stale term behind)."""
    if (email, display_name) == (user.email, user.display_name):
        with conflict_on_condition_failure("user no longer exists"):
            item.update(actions=actions, condition=UserItem.pk.exists())
        return
    same = UserItem.pk.exists()
    same &= (UserItem.email == user.email) if user.email else UserItem.email.does_not_exist()
    if user.display_name:
        same &= UserItem.display_name == user.display_name
    else:
        same &= UserItem.display_name.does_not_exist()
    with (
        conflict_on_condition_failure("the user changed meanwhile; retry"),
        TransactWrite(connection=connection()) as transaction,
    ):
        transaction.update(item, actions=actions, condition=same)
        user_search.write_in(
            transaction, user.id, item.pk, (user.email, user.display_name), (email, display_name)
        )


_PROFILE_FIELDS = ("display_name", "phone", "timezone", "locale")
DEFAULT_NOTIFICATION_PREFS: dict[str, Any] = {
    "email": True,
    "in_app": True,
    "sms": False,
    "marketing": False,
    "muted_kinds": [],
}


def update_profile(
    user: User, changes: dict[str, Any], notification_prefs: dict[str, Any] | None = None
) -> User:
    """Set only the given fields and preference keys; each is an independent SET, so two
    concurrent edits of different fields both land (no read-modify-write)."""
    item = UserItem(keys.identity_pk(user.issuer, user.subject), keys.USER_SK)
    actions = [
        getattr(UserItem, name).set(value)
        for name, value in changes.items()
        if name in _PROFILE_FIELDS
    ]
    actions.extend(
        UserItem.notification_prefs[name].set(value)
        for name, value in (notification_prefs or {}).items()
        if name in DEFAULT_NOTIFICATION_PREFS
    )
    now = clock.now()
    actions.append(UserItem.updated_at.set(now))
    name = changes.get("display_name", user.display_name)
    _update_indexed(item, user, actions, email=user.email, display_name=name)
    # What was written, without a second read.
    prefs = dict(user.notification_prefs)
    prefs.update(
        {k: v for k, v in (notification_prefs or {}).items() if k in DEFAULT_NOTIFICATION_PREFS}
    )
    fields = {k: v for k, v in changes.items() if k in _PROFILE_FIELDS}
    return replace(user, **fields, notification_prefs=prefs, updated_at=now)


def add_role(user: User, role: str) -> User:
    """Add a role once; a concurrent grant of the same role is not an error."""
    if role in user.roles:
        return user
    item = UserItem(keys.identity_pk(user.issuer, user.subject), keys.USER_SK)
    try:
        with conflict_on_condition_failure("role already granted"):
            item.update(
                actions=[
                    UserItem.roles.set(UserItem.roles.append([role])),
                    UserItem.updated_at.set(clock.now()),
                ],
                condition=UserItem.pk.exists() & ~UserItem.roles.contains(role),
            )
    except ConflictError:
        refreshed = get_by_identity(user.issuer, user.subject)
        if refreshed is None:
            raise NotFoundError("user not found") from None
        return refreshed
    return _to_user(item)


def attach_talent_in(transaction: Any, user: User, talent_id: str) -> None:
    """In the profile's creation transaction: link the profile and add the `talent` role,
    only if the user has no profile yet (one per user, even under racing requests)."""
    # The role is only ever added together with talent_id, so "no talent_id yet" also
    # means "no talent role yet": appending cannot duplicate it.
    transaction.update(
        UserItem(keys.identity_pk(user.issuer, user.subject), keys.USER_SK),
        actions=[
            UserItem.talent_id.set(talent_id),
            UserItem.roles.set(UserItem.roles.append(["talent"])),
            UserItem.updated_at.set(clock.now()),
        ],
        condition=UserItem.pk.exists() & UserItem.talent_id.does_not_exist(),
    )


ACTIVE = "active"
SUSPENDED = "suspended"


def _identity_item(user: User) -> UserItem:
    return UserItem(keys.identity_pk(user.issuer, user.subject), keys.USER_SK)


def set_status_in(writes: Writes, user: User, status: str, at: datetime) -> None:
    """Suspend or reinstate, in the transaction that audits it; only from the other state
    (a second suspension is a conflict, not a silent no-op)."""
    item = _identity_item(user)
    other = ACTIVE if status == SUSPENDED else SUSPENDED
    was = (UserItem.status == other) | UserItem.status.does_not_exist()
    condition = was if other == ACTIVE else UserItem.status == other
    writes.add(
        (item.pk, item.sk),
        "user",
        lambda t: t.update(
            item,
            actions=[UserItem.status.set(status), UserItem.updated_at.set(at)],
            condition=UserItem.pk.exists() & condition,
        ),
    )


def set_roles_in(writes: Writes, user: User, roles: list[str], at: datetime) -> None:
    """Replace the stored roles, only if they are still what was read (no lost grant)."""
    item = _identity_item(user)
    as_read = UserItem.roles == list(user.roles) if user.roles else UserItem.roles.does_not_exist()
    writes.add(
        (item.pk, item.sk),
        "user",
        lambda t: t.update(
            item,
            actions=[UserItem.roles.set(roles), UserItem.updated_at.set(at)],
            condition=UserItem.pk.exists() & as_read,
        ),
    )


def get_many(identity_pks: list[str]) -> list[User]:
    """Users by their identity keys, in that order: one BatchGetItem."""
    unique = list(dict.fromkeys(identity_pks))
    found = {
        item.pk: _to_user(item)
        for item in UserItem.batch_get([(pk, keys.USER_SK) for pk in unique])
    }
    return [found[pk] for pk in unique if pk in found]
