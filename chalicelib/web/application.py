"""The Chalice application object, made safe for a threaded local server."""

from __future__ import annotations

import threading
from typing import Any

from chalice.app import Chalice


class Application(Chalice):
    """Chalice keeps the current request on the app object. Lambda runs one request per
    process, but the local server runs requests on threads, so keep it per thread."""

    _per_thread: threading.local

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.__dict__["_per_thread"] = threading.local()
        super().__init__(*args, **kwargs)

    @property
    def current_request(self) -> Any:
        return getattr(self._per_thread, "current_request", None)

    @current_request.setter
    def current_request(self, value: Any) -> None:
        self._per_thread.current_request = value

    @property
    def lambda_context(self) -> Any:
        return getattr(self._per_thread, "lambda_context", None)

    @lambda_context.setter
    def lambda_context(self, value: Any) -> None:
        self._per_thread.lambda_context = value
