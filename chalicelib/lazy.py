"""Feature modules load on first use, not at import.

Every request needs the core (chalice, pydantic, pynamodb, the user model): that loads at
import, in Lambda's init phase. A feature's use cases and models are needed only by its
own routes, so a container pays for them when such a route is first called, and the
import cost of the app stays flat as features are added (bench/cold_start.py)."""

from __future__ import annotations

import importlib
import threading
from types import ModuleType
from typing import Any


class LazyModule:
    """Stands in for a module until an attribute is first read. Thread-safe: the local
    server runs requests on threads, and two may arrive at once."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._module: ModuleType | None = None
        self._lock = threading.Lock()

    def _load(self) -> ModuleType:
        module = self._module
        if module is None:
            with self._lock:
                if self._module is None:
                    self._module = importlib.import_module(self._name)
                module = self._module
        return module

    def __getattr__(self, attribute: str) -> Any:
        return getattr(self._load(), attribute)

    def __repr__(self) -> str:
        state = "loaded" if self._module is not None else "not loaded yet"
        return f"<lazy module {self._name!r} ({state})>"


def lazy_import(name: str) -> Any:
    return LazyModule(name)
