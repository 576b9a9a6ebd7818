"""The shape of chalicelib/ itself: no import circles, small modules, configuration read in
one place. Read from the source with `ast`, so nothing is imported and it runs in
milliseconds."""

from __future__ import annotations

import ast
import re
from pathlib import Path

CHALICELIB = Path(__file__).resolve().parents[2] / "chalicelib"
MAX_LINES = 400
# Data, not logic: long because the tables are long.
DATA_TABLES = {"domain/job_templates.py"}
# Logic over the limit, waiting for its split (none now: models/keys.py became the
# models/keys/ package, search_index.py lost its reading half to search_queries.py). Delete
# each entry once its split lands (the last assertion of the size test insists).
TO_BE_SPLIT: set[str] = set()
# The one module that reads the process environment (into typed settings).
SETTINGS_MODULES = {"settings.py"}


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(CHALICELIB.rglob("*.py")):
        parts = ["chalicelib", *path.relative_to(CHALICELIB).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _module_level_imports(name: str, path: Path, known: set[str]) -> set[str]:
    """What importing `name` imports at once: top-level statements only (a function-level
    import runs later and cannot close a circle at import time; TYPE_CHECKING blocks never
    run)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    edges: set[str] = set()
    for node in _executed_at_import(ast.parse(path.read_text()).body):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            # `from pkg import mod` imports the submodule pkg.mod when there is one.
            targets = [base] + [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        for imported in targets:
            module = imported
            while module and module not in known:
                module = module.rpartition(".")[0]
            if module and module != name:
                edges.add(module)
    return edges


def _executed_at_import(body: list[ast.stmt]) -> list[ast.stmt]:
    statements: list[ast.stmt] = []
    for node in body:
        if isinstance(node, ast.If):
            if "TYPE_CHECKING" in ast.unparse(node.test):
                statements += _executed_at_import(node.orelse)
            else:
                statements += _executed_at_import(node.body + node.orelse)
        elif isinstance(node, ast.Try):
            statements += _executed_at_import(node.body + node.orelse + node.finalbody)
            for handler in node.handlers:
                statements += _executed_at_import(handler.body)
        else:
            statements.append(node)
    return statements


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules)
    graph = {name: _module_level_imports(name, path, known) for name, path in modules.items()}
    # Importing a module first imports every package above it.
    for name in modules:
        parent = name.rpartition(".")[0]
        if parent in known:
            graph[name].add(parent)
    return graph


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def _circles_ignoring_packages(graph: dict[str, set[str]]) -> list[list[str]]:
    # A package's __init__ importing its own submodules (and each submodule importing the
    # package first) is how packages work, not a circle between concerns.
    trimmed = {
        name: {t for t in targets if not (t.startswith(name + ".") or name.startswith(t + "."))}
        for name, targets in graph.items()
    }
    return _circles(trimmed)


def test_the_import_graph_sees_chalicelib() -> None:
    graph = _graph()
    assert len(graph) > 100
    assert "chalicelib.settings" in graph["chalicelib.clients"]
    assert "chalicelib.payments.base" in graph["chalicelib.payments.registry"]


def test_the_circle_finder_finds_a_circle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _circles(graph) == [["a", "b", "c"]]


def test_no_import_circle_in_chalicelib() -> None:
    assert _circles_ignoring_packages(_graph()) == []


def test_no_module_exceeds_the_size_limit_except_data_tables() -> None:
    sizes = {
        str(path.relative_to(CHALICELIB)): len(path.read_text().splitlines())
        for path in CHALICELIB.rglob("*.py")
    }
    assert sizes
    too_long = {
        name: lines
        for name, lines in sizes.items()
        if lines > MAX_LINES and name not in DATA_TABLES | TO_BE_SPLIT
    }
    assert too_long == {}
    # The allow-lists shrink: an entry back under the limit (or gone) is removed.
    assert {name for name in DATA_TABLES | TO_BE_SPLIT if sizes.get(name, 0) <= MAX_LINES} == set()


_ENVIRONMENT_READ = re.compile(r"\bos\.environ\b|\bgetenv\b|\bfrom os import\b.*\benviron\b")


def test_only_the_settings_module_reads_the_environment() -> None:
    readers = sorted(
        str(path.relative_to(CHALICELIB))
        for path in CHALICELIB.rglob("*.py")
        if _ENVIRONMENT_READ.search(path.read_text())
    )
    assert set(readers) - SETTINGS_MODULES == set()
    assert set(readers) >= SETTINGS_MODULES


_FRAMEWORK_REQUEST = re.compile(r"\._request\b|\bcurrent_request\b")
# The router wraps the framework's request in RequestContext (headers, raw_body,
# query_params, ...); the application keeps it per thread.
REQUEST_OWNERS = {"web/router.py", "web/application.py"}


def test_only_the_router_touches_the_framework_request() -> None:
    touching = {
        str(path.relative_to(CHALICELIB))
        for path in CHALICELIB.rglob("*.py")
        if _FRAMEWORK_REQUEST.search(path.read_text())
    }
    assert touching - REQUEST_OWNERS == set()
    assert "web/router.py" in touching
