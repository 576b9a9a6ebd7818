"""Which evaluator judges delivery reports: a registry of factories by name, and the one
the `QC_EVALUATOR` setting names. The worker asks `current()` and calls the protocol only,
so another evaluator (an AI checker) is one `register` call in an explicit loader, not a
change to the worker. An unknown name is an error, never a silent fallback to the rules."""

from __future__ import annotations

from collections.abc import Callable

from chalicelib.domain.qc import Evaluator, RuleBasedEvaluator
from chalicelib.settings import get_settings

Factory = Callable[[], Evaluator]

_FACTORIES: dict[str, Factory] = {RuleBasedEvaluator.name: RuleBasedEvaluator}


class UnknownEvaluatorError(LookupError):
    """QC_EVALUATOR names no registered evaluator."""


def register(name: str, factory: Factory) -> None:
    if name in _FACTORIES and _FACTORIES[name] is not factory:
        raise ValueError(f"evaluator {name!r} is registered twice")
    _FACTORIES[name] = factory


def unregister(name: str) -> None:
    if name == RuleBasedEvaluator.name:
        raise ValueError("the rule-based evaluator is the default; it stays")
    _FACTORIES.pop(name, None)


def names() -> list[str]:
    return sorted(_FACTORIES)


def current() -> Evaluator:
    name = get_settings().qc_evaluator
    factory = _FACTORIES.get(name)
    if factory is None:
        raise UnknownEvaluatorError(f"QC_EVALUATOR={name!r}; known: {', '.join(names())}")
    return factory()
