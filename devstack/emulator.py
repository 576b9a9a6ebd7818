"""The AWS emulator: a moto server in this process, and reading what it recorded."""

from __future__ import annotations

import email
import email.header
import logging
import threading
from email.message import Message
from typing import Any

SHUTDOWN_POLL_SECONDS = 0.1  # how soon serve_forever notices shutdown()


_dynamodb_lock = threading.RLock()


def prepare_moto() -> None:
    """Everything the emulator changes in moto, for the local stack and the tests alike."""
    stop_tracking_model_instances()
    remember_dispatch_lookups()
    make_dynamodb_requests_atomic()
    serialize_item_answers_directly()


def remember_dispatch_lookups() -> None:
    """moto's server finds the backend of every request by listing its own package
    directory (a stat per service, about 150) and then trying every service's URL
    patterns, and finds the action by listing the handler class's methods. Each answer
    depends only on the host, or the class: remember them."""
    import functools

    from moto import backends
    from moto.core import responses
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication

    if getattr(DomainDispatcherApplication, "_remembers_backends", False):
        return
    modules = frozenset(backends.list_of_moto_modules())
    backends.list_of_moto_modules = lambda: modules  # type: ignore[assignment]
    find = DomainDispatcherApplication.get_backend_for_host
    remembered: dict[str | None, Any] = {}

    @functools.wraps(find)
    def get_backend_for_host(self: Any, host: str | None) -> Any:
        # Called under the dispatcher's own lock.
        if host not in remembered:
            remembered[host] = find(self, host)
        return remembered[host]

    DomainDispatcherApplication.get_backend_for_host = get_backend_for_host  # type: ignore[method-assign]
    DomainDispatcherApplication._remembers_backends = True  # type: ignore[attr-defined]
    responses.method_names_from_class = functools.cache(responses.method_names_from_class)  # type: ignore[assignment]


def stop_tracking_model_instances() -> None:
    """moto keeps a reference to every model object it ever creates (for its dashboard's
    data.json): every DynamoDB item written, every copy of it, every queue message. Over a
    long-lived emulator that is an ever-growing heap, slower garbage collections and a
    data.json that takes seconds to build. Nothing here reads that list: what the emulator
    reports (sent emails) it reads from the backends themselves."""
    from moto.core.common_models import BaseModel
    from moto.core.model_instances import reset_model_data

    def untracked(cls: type, *args: Any, **kwargs: Any) -> Any:
        return object.__new__(cls)

    BaseModel.__new__ = untracked  # type: ignore[assignment,method-assign]
    reset_model_data()


def make_dynamodb_requests_atomic() -> None:
    """DynamoDB applies each request, and each transaction, atomically and in isolation.
    moto's in-memory backend does not when requests arrive on several threads at once (a
    transaction deep-copies tables that another request is changing): every call into the
    DynamoDB backend takes one lock here, so the emulator behaves as the service does and a
    race between conditional writes is decided by their conditions alone."""
    from moto.dynamodb.models import DynamoDBBackend

    if getattr(DynamoDBBackend, "_atomic_requests", False):
        return
    for name, member in list(vars(DynamoDBBackend).items()):
        if name.startswith("_") or not callable(member) or isinstance(member, staticmethod):
            continue
        setattr(DynamoDBBackend, name, _locked(member))
    DynamoDBBackend._atomic_requests = True  # type: ignore[attr-defined]
    _snapshot_each_table_once()


def _snapshot_each_table_once() -> None:
    """moto backs a transaction up by deep-copying its whole table once per action: a
    30-action transaction on a table of a few hundred items took a second or more. Here the
    backup holds only the items the transaction names (all it can change), taken before it
    runs and put back if it fails; moto's own whole-table "copy" becomes the live table,
    which its rollback then leaves in place."""
    import copy

    from moto.dynamodb import models
    from moto.dynamodb.models.dynamo_type import DynamoType
    from moto.dynamodb.models.table import Table

    in_transaction = threading.local()
    original = models.DynamoDBBackend.transact_write_items

    def deepcopy(value: Any, memo: Any = None) -> Any:
        if getattr(in_transaction, "active", False) and isinstance(value, Table):
            return value
        return copy.deepcopy(value, memo)

    def named_items(backend: Any, transact_items: Any) -> list[tuple[Any, Any, Any]]:
        found = []
        for entry in transact_items:
            _, action = next(iter(entry.items()))
            table = backend.tables.get(action.get("TableName"))
            key = action.get("Key") or action.get("Item") or {}
            if table is None or table.hash_key_attr not in key:
                continue
            range_value = None
            if table.range_key_attr is not None:
                if table.range_key_attr not in key:
                    continue
                range_value = DynamoType(key[table.range_key_attr])
            found.append((table, DynamoType(key[table.hash_key_attr]), range_value))
        return found

    def transact_write_items(self: Any, transact_items: Any) -> Any:
        with _dynamodb_lock:
            backup = [
                (
                    table,
                    hash_value,
                    range_value,
                    copy.deepcopy(table.get_item(hash_value, range_value)),
                )
                for table, hash_value, range_value in named_items(self, transact_items)
            ]
            in_transaction.active = True
            try:
                return original(self, transact_items)
            except BaseException:
                for table, hash_value, range_value, item in reversed(backup):
                    if item is None:
                        table.delete_item(hash_value, range_value)
                    elif range_value is not None:
                        table.items[hash_value][range_value] = item
                    else:
                        table.items[hash_value] = item
                raise
            finally:
                in_transaction.active = False

    models.copy = _CopyModule(deepcopy)  # type: ignore[attr-defined,assignment]
    models.DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign]


# Item operations whose answers are DynamoDB JSON already (typed attribute maps, counts,
# keys): nothing in them needs moto's generic, shape-walking serializer.
_ITEM_OPERATIONS = frozenset(
    {
        "GetItem",
        "PutItem",
        "UpdateItem",
        "DeleteItem",
        "Query",
        "Scan",
        "BatchGetItem",
        "BatchWriteItem",
        "TransactGetItems",
        "TransactWriteItems",
    }
)


def serialize_item_answers_directly() -> None:
    """moto serializes every answer by walking botocore's output shape, which cost the
    emulator as much as the operation itself (a Query of 50 items walks every attribute).
    A successful item operation's answer is written as JSON directly; errors and every
    other operation keep moto's serializer. `EMULATOR_CHECK_SERIALIZER=1` compares both."""
    import json
    import os

    from moto.core.responses import ActionResult
    from moto.dynamodb.responses import DynamoHandler

    if getattr(DynamoHandler, "_direct_item_answers", False):
        return
    from moto.core.responses import get_service_model

    generic = DynamoHandler.serialized
    compare = os.environ.get("EMULATOR_CHECK_SERIALIZER") == "1"
    model = get_service_model("dynamodb")
    # What each operation may answer: moto adds members the service does not send.
    members = {
        name: frozenset(model.operation_model(name).output_shape.members)
        for name in _ITEM_OPERATIONS
    }

    def serialized(self: Any, action_result: ActionResult) -> Any:
        result = action_result.result
        action = self._get_action()
        if not isinstance(result, dict) or action not in _ITEM_OPERATIONS:
            return generic(self, action_result)
        answer = {k: v for k, v in result.items() if v is not None and k in members[action]}
        body = json.dumps(answer)
        headers = {"Content-Type": "application/x-amz-json-1.0", **self.response_headers}
        if compare:
            status, _, expected = generic(self, action_result)
            assert status == 200 and json.loads(expected) == json.loads(body), (
                self._get_action(),
                expected,
                body,
            )
        return 200, headers, body

    DynamoHandler.serialized = serialized  # type: ignore[method-assign]
    DynamoHandler._direct_item_answers = True  # type: ignore[attr-defined]


class _CopyModule:
    """Stands in for the `copy` module inside moto's DynamoDB models only."""

    def __init__(self, deepcopy: Any) -> None:
        import copy

        self.deepcopy = deepcopy
        self.copy = copy.copy


def _locked(method: Any) -> Any:
    def call(*args: Any, **kwargs: Any) -> Any:
        with _dynamodb_lock:
            return method(*args, **kwargs)

    call.__name__ = getattr(method, "__name__", "call")
    call.__doc__ = getattr(method, "__doc__", None)
    return call


class AwsEmulator:
    def __init__(self, host: str, port: int) -> None:
        self.endpoint_url = f"http://{host}:{port}"
        self._host = host
        self._port = port
        self._server: Any = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """What moto's ThreadedMotoServer does, except that the socket is bound here: a
        busy port raises at once instead of leaving start() waiting forever."""
        from moto.moto_server.werkzeug_app import (
            DomainDispatcherApplication,
            MotoRequestHandler,
            create_backend_app,
        )
        from werkzeug.serving import make_server

        prepare_moto()
        # werkzeug would log every request, and the pump polls several times a second.
        logging.getLogger("werkzeug").setLevel(logging.WARNING)
        self._server = make_server(
            self._host,
            self._port,
            DomainDispatcherApplication(create_backend_app),
            threaded=True,
            request_handler=MotoRequestHandler,
        )
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": SHUTDOWN_POLL_SECONDS},
            name="aws-emulator",
            daemon=True,
        )
        self._thread.start()

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.server_close()
        if self._thread is not None:
            self._thread.join(5)
            self._thread = None

    def sent_emails(self) -> list[dict[str, Any]]:
        return sent_emails()


def sent_emails() -> list[dict[str, Any]]:
    """Every email this process's emulator accepted, in the order it accepted them (read
    from moto's SES backends, which the emulator's server thread shares)."""
    from moto.ses.models import Message as PlainMessage
    from moto.ses.models import RawMessage, TemplateMessage, ses_backends

    found: list[dict[str, Any]] = []
    for regions in list(ses_backends.values()):
        for backend in list(regions.values()):
            for message in list(backend.sent_messages):
                fields = dict(vars(message))
                if isinstance(message, RawMessage):
                    found.append(_raw_message(fields))
                elif isinstance(message, TemplateMessage):
                    found.append(_template_message(fields))
                elif isinstance(message, PlainMessage):
                    found.append(_plain_message(fields))
    return found


def _recipients(destinations: Any) -> dict[str, list[str]]:
    destinations = destinations if isinstance(destinations, dict) else {}
    return {
        "to": list(destinations.get("ToAddresses") or []),
        "cc": list(destinations.get("CcAddresses") or []),
        "bcc": list(destinations.get("BccAddresses") or []),
    }


def _plain_message(message: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": message.get("id"),
        **_recipients(message.get("destinations")),
        "subject": message.get("subject"),
        "body": message.get("body"),
        "source": message.get("source"),
    }


def _raw_message(message: dict[str, Any]) -> dict[str, Any]:
    parsed = email.message_from_string(str(message.get("raw_data") or ""))
    destinations = message.get("destinations")
    # moto lists an address named in Destinations and in the To header twice: one mailbox.
    to = list(dict.fromkeys(destinations)) if isinstance(destinations, list) else []
    if not to:
        to = [address.strip() for address in str(parsed.get("To", "")).split(",") if address]
    return {
        "id": message.get("id"),
        "to": to,
        "cc": [],
        "bcc": [],
        "subject": _header(parsed.get("Subject")),
        "body": _part(parsed, "text/plain"),
        "text": _part(parsed, "text/plain"),
        "html": _part(parsed, "text/html"),
        "language": parsed.get("Content-Language"),
        "notification_id": parsed.get("X-Notification-Id"),
        "source": message.get("source") or parsed.get("From"),
    }


def _header(value: Any) -> str | None:
    """A header as text (an RFC 2047 encoded Arabic subject decoded)."""
    if value is None:
        return None
    return str(email.header.make_header(email.header.decode_header(str(value))))


def _part(parsed: Message, content_type: str) -> str | None:
    for part in parsed.walk():
        if part.get_content_type() == content_type:
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes):
                return payload.decode(part.get_content_charset() or "utf-8", "replace")
    return None


def _template_message(message: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": message.get("id"),
        **_recipients(message.get("destinations")),
        "subject": None,
        "body": None,
        "source": message.get("source"),
        "template": message.get("template"),
        "template_data": message.get("template_data"),
    }
