"""The single table: one pynamodb base model with generic keys and overloaded GSIs."""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import DiscriminatorAttribute, UnicodeAttribute
from pynamodb.connection import Connection, TableConnection
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from chalicelib import clients
from chalicelib.settings import get_settings


class _FromSettings:
    """A class-level descriptor: pynamodb reads Meta.table_name lazily, so the table name
    comes from settings on first use instead of from the environment at import."""

    # pynamodb's metaclass asks hasattr(Meta, "region") while Item is being defined, at
    # import; answering then would read (and validate) the settings at import.
    defining = True

    def __init__(self, attribute: str) -> None:
        self._attribute = attribute

    def __get__(self, instance: object, owner: type) -> Any:
        if _FromSettings.defining:
            return None
        return getattr(get_settings(), self._attribute)


class GSI1(GlobalSecondaryIndex["Item"]):
    class Meta:
        index_name = "GSI1"
        projection = AllProjection()

    gsi1pk = UnicodeAttribute(hash_key=True, attr_name="GSI1PK")
    gsi1sk = UnicodeAttribute(range_key=True, attr_name="GSI1SK")


class GSI2(GlobalSecondaryIndex["Item"]):
    class Meta:
        index_name = "GSI2"
        projection = AllProjection()

    gsi2pk = UnicodeAttribute(hash_key=True, attr_name="GSI2PK")
    gsi2sk = UnicodeAttribute(range_key=True, attr_name="GSI2SK")


class GSI3(GlobalSecondaryIndex["Item"]):
    """Sparse: only items with something due (timers) carry GSI3 keys."""

    class Meta:
        index_name = "GSI3"
        projection = AllProjection()

    gsi3pk = UnicodeAttribute(hash_key=True, attr_name="GSI3PK")
    gsi3sk = UnicodeAttribute(range_key=True, attr_name="GSI3SK")


class Item(Model):
    class Meta:
        table_name = _FromSettings("table_name")
        region = _FromSettings("region")

    pk = UnicodeAttribute(hash_key=True, attr_name="PK")
    sk = UnicodeAttribute(range_key=True, attr_name="SK")
    kind = DiscriminatorAttribute(attr_name="kind")
    gsi1pk = UnicodeAttribute(null=True, attr_name="GSI1PK")
    gsi1sk = UnicodeAttribute(null=True, attr_name="GSI1SK")
    gsi2pk = UnicodeAttribute(null=True, attr_name="GSI2PK")
    gsi2sk = UnicodeAttribute(null=True, attr_name="GSI2SK")
    gsi3pk = UnicodeAttribute(null=True, attr_name="GSI3PK")
    gsi3sk = UnicodeAttribute(null=True, attr_name="GSI3SK")

    gsi1 = GSI1()
    gsi2 = GSI2()
    gsi3 = GSI3()

    @classmethod
    def _get_connection(cls) -> TableConnection:
        """pynamodb gives every model class a botocore client of its own, and creating one
        costs tens of milliseconds: a first request touching four item kinds paid for four.
        Every model and transaction shares one client instead (botocore clients are
        thread-safe)."""
        table = super()._get_connection()
        shared = connection().client
        if table.connection._client is not shared:
            table.connection._client = shared
        return table


_FromSettings.defining = False
_connection: Connection | None = None


class _SharedSessionConnection(Connection):
    """pynamodb makes a botocore session per connection and thread; this one uses the
    process's session, whose loader has the DynamoDB model cached already."""

    @property
    def session(self) -> Any:
        return clients.botocore_session()


def connection() -> Connection:
    """The low-level connection pynamodb's TransactWrite/TransactGet need."""
    global _connection  # noqa: PLW0603 - one connection per process, created on first use
    if _connection is None:
        with clients.creation_lock:
            if _connection is None:
                created = _SharedSessionConnection(region=get_settings().region)
                created.client  # noqa: B018 - made here, under the lock every client takes
                _connection = created
    return _connection


def reset_connections() -> None:
    """Drop cached connections (tests point the process at a fresh emulator)."""
    global _connection  # noqa: PLW0603
    _connection = None
    pending: list[type[Model]] = [Item]
    while pending:
        model = pending.pop()
        model._connection = None
        pending.extend(model.__subclasses__())
