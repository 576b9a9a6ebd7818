"""The one place that says which modules provide the guards, effects and hooks the
process definitions name (as `workers/timer_kinds.load()` does for timer kinds), and
checks, once per process, that every name of every published definition is registered."""

from __future__ import annotations

import threading

from chalicelib.usecases import process_registry

_lock = threading.Lock()


def load() -> process_registry.Registry:
    if process_registry.installed():
        return process_registry.active()
    with _lock:
        try:
            return process_registry.active()
        except RuntimeError:
            pass
        from chalicelib.domain import process_definitions
        from chalicelib.usecases import contract_effects, dispute_effects, effects
        from chalicelib.usecases.qc import nudges

        registry = process_registry.Registry(
            [
                effects.CATALOGUE,
                contract_effects.CATALOGUE,
                dispute_effects.CATALOGUE,
                nudges.CATALOGUE,
            ]
        )
        registry.verify(process_definitions.REGISTRY.values())
        process_registry.install(registry)
        return registry
