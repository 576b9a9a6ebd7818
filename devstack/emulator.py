"""The AWS emulator: a moto server in this process, and reading what it recorded."""

from __future__ import annotations

import email
import logging
import threading
from email.message import Message
from typing import Any

import requests

SHUTDOWN_POLL_SECONDS = 0.1  # how soon serve_forever notices shutdown()


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

    def state(self) -> dict[str, Any]:
        """Every backend's recorded state; moto's own dashboard reads the same document."""
        response = requests.get(f"{self.endpoint_url}/moto-api/data.json", timeout=10)
        response.raise_for_status()
        data: dict[str, Any] = response.json()
        return data

    def sent_emails(self) -> list[dict[str, Any]]:
        ses = self.state().get("ses") or {}
        items = [_plain_message(message) for message in ses.get("Message") or []]
        items.extend(_raw_message(message) for message in ses.get("RawMessage") or [])
        items.extend(_template_message(message) for message in ses.get("TemplateMessage") or [])
        return items


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
    to = list(destinations) if isinstance(destinations, list) else []
    if not to:
        to = [address.strip() for address in str(parsed.get("To", "")).split(",") if address]
    return {
        "id": message.get("id"),
        "to": to,
        "cc": [],
        "bcc": [],
        "subject": parsed.get("Subject"),
        "body": _text_part(parsed),
        "source": message.get("source") or parsed.get("From"),
    }


def _text_part(parsed: Message) -> str | None:
    for part in parsed.walk():
        if part.get_content_type() == "text/plain":
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
