"""Every guard and effect a process definition names is registered, through one explicit
loader; a name nothing registers fails the load instead of being skipped at run time."""

from __future__ import annotations

import functools
from datetime import datetime, timedelta
from typing import Any

import pytest

from chalicelib.domain import process_definitions
from chalicelib.domain.process_engine import At, Process, ReminderSpec, TimerSpec, Transition
from chalicelib.usecases import process_wiring
from chalicelib.usecases.process_registry import Catalogue, Registry, UnregisteredNameError


def _names(process: Process) -> set[str]:
    found: set[str] = set()
    for transition in process.transitions:
        found.update(transition.guards, transition.effects)
    found.update(spec.when for spec in (*process.timers, *process.reminders) if spec.when)
    return found


def test_the_loader_registers_every_name_of_every_published_process() -> None:
    registry = process_wiring.load()

    for process in process_definitions.REGISTRY.values():
        for name in _names(process):
            assert registry.knows(name), (process.name, process.version, name)
    # Non-empty: the definitions do name guards and effects.
    assert sum(len(_names(p)) for p in process_definitions.REGISTRY.values()) > 10


def test_job_open_is_enforced_by_the_job_close_in_create_contract() -> None:
    registry = process_wiring.load()

    assert registry.knows("job_open")
    assert registry.enforced_by("job_open") == "create_contract"


def _process(**transition: Any) -> Process:
    return Process(
        name="toy",
        version=1,
        description="a toy",
        initial="a",
        states=("a", "b"),
        terminal=frozenset({"b"}),
        transitions=(
            Transition("go", frozenset({"a"}), "b", frozenset({"customer"}), **transition),
        ),
    )


def _catalogue() -> Catalogue:
    catalogue = Catalogue()

    @catalogue.guard("open", "it is closed")
    def _open(subject: Any, now: datetime) -> bool:
        return True

    @catalogue.effect("post")
    def _post(change: Any) -> None:
        return None

    return catalogue


@pytest.mark.parametrize(
    "transition",
    [
        {"effects": ("psot",)},  # a typo in an effect would post no money
        {"guards": ("job_opne",)},
        {"guards": ("open",), "effects": ("post", "missing")},
    ],
)
def test_an_unregistered_name_fails_the_load(transition: dict[str, Any]) -> None:
    registry = Registry([_catalogue()])

    with pytest.raises(UnregisteredNameError) as raised:
        registry.verify([_process(**transition)])

    assert "toy" in str(raised.value)


def test_a_timer_condition_must_be_a_guard_read_on_the_subject() -> None:
    registry = Registry([_catalogue()])
    go = Transition("go", frozenset({"a"}), "b", frozenset({"system"}))
    shape: dict[str, Any] = {
        "name": "toy",
        "version": 1,
        "description": "a toy",
        "initial": "a",
        "states": ("a", "b"),
        "terminal": frozenset({"b"}),
        "transitions": (go,),
    }
    at = At("entered", timedelta(hours=1))
    registry.verify([Process(**shape, timers=(TimerSpec("t", "a", "go", (at,), when="open"),))])
    bad = [
        # "post" is an effect: it cannot be read on the subject when arming a timer.
        Process(**shape, timers=(TimerSpec("t", "a", "go", (at,), when="post"),)),
        Process(**shape, reminders=(ReminderSpec("r", "a", at, ("customer",), when="nothing"),)),
    ]
    for process in bad:
        with pytest.raises(UnregisteredNameError):
            registry.verify([process])


def test_a_name_registered_twice_fails_the_load() -> None:
    with pytest.raises(ValueError, match="open"):
        Registry([_catalogue(), _catalogue()])


def test_a_condition_guard_must_name_an_effect_of_the_same_transition() -> None:
    catalogue = _catalogue()
    catalogue.condition("job_open", enforced_by="post", refusal="the job is closed")
    registry = Registry([catalogue])

    registry.verify([_process(guards=("job_open",), effects=("post",))])
    with pytest.raises(UnregisteredNameError):
        registry.verify([_process(guards=("job_open",))])


@functools.cache
def _import_graph() -> dict[str, set[str]]:
    """chalicelib's imports, module-level and inside functions alike."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    graph: dict[str, set[str]] = {}
    for path in (root / "chalicelib").rglob("*.py"):
        module = ".".join(path.relative_to(root).with_suffix("").parts).removesuffix(".__init__")
        edges: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                edges.add(node.module)
                edges.update(f"{node.module}.{alias.name}" for alias in node.names)
            elif isinstance(node, ast.Import):
                edges.update(alias.name for alias in node.names)
        graph[module] = edges
    return {m: {e for e in edges if e in graph and e != m} for m, edges in graph.items()}


@pytest.mark.parametrize(
    "module",
    [
        "chalicelib.usecases.transitions",
        "chalicelib.usecases.effects",
        "chalicelib.usecases.contracting",
        "chalicelib.usecases.contract_effects",
    ],
)
def test_the_engine_and_its_effects_form_no_import_circle(module: str) -> None:
    graph = _import_graph()
    seen: set[str] = set()
    pending = list(graph[module])
    while pending:
        current = pending.pop()
        if current in seen:
            continue
        seen.add(current)
        pending.extend(graph[current])
    assert module not in seen, f"{module} imports itself back"
    assert "chalicelib.usecases.effects" in seen or module != "chalicelib.usecases.transitions"
