"""Where the first request's time goes: the two probes of bench/first_request.py with each
module's own import time charged to the library that first pulled it in (stdlib modules
count for whoever imported them first), and the rest (interpreter start, client creation,
the request itself) shown as "not importing".

CPU milliseconds (process time, measured inside the probe), medians of N runs: unlike wall
time (and `-X importtime`), they hardly move when other processes share the machine.

Run: .venv/bin/python bench/first_request_breakdown.py [runs]
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Mapping
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.first_request import _APP_PROBE, _BOTO_PROBE, ROOT, seeded_emulator

# Top-level module -> the row it is charged to.
GROUPS: dict[str, str] = {
    "app": "our code (app.py, chalicelib)",
    "chalicelib": "our code (app.py, chalicelib)",
    "chalice": "chalice",
    "pydantic": "pydantic",
    "pydantic_core": "pydantic",
    "annotated_types": "pydantic",
    "typing_inspection": "pydantic",
    "typing_extensions": "pydantic",
    "aws_lambda_powertools": "powertools (logger, metrics)",
    "pynamodb": "pynamodb",
    "blinker": "pynamodb",
    "boto3": "boto3 (its own modules)",
    "s3transfer": "boto3 (its own modules)",
    "botocore": "botocore, urllib3, jmespath, dateutil",
    "urllib3": "botocore, urllib3, jmespath, dateutil",
    "jmespath": "botocore, urllib3, jmespath, dateutil",
    "dateutil": "botocore, urllib3, jmespath, dateutil",
    "six": "botocore, urllib3, jmespath, dateutil",
    "certifi": "botocore, urllib3, jmespath, dateutil",
}
STDLIB = "python's own modules (first use)"
NOT_IMPORTING = "not importing: start-up, clients, the request"


# Prepended to a probe: times every module's own execution in CPU seconds (process time),
# children excluded, by wrapping the one function CPython's import system runs per module.
_CPU_IMPORT_TIMER = """
import _frozen_importlib, atexit, json, os, time
_load, _stack, _own, _parent = _frozen_importlib._load_unlocked, [], {}, {}
def _timed(spec):
    _parent[spec.name] = _stack[-1][0] if _stack else None
    _stack.append([spec.name, 0.0])
    started = time.process_time()
    try:
        return _load(spec)
    finally:
        spent = time.process_time() - started
        name, children = _stack.pop()
        _own[name] = _own.get(name, 0.0) + spent - children
        if _stack:
            _stack[-1][1] += spent
_frozen_importlib._load_unlocked = _timed
def _dump():
    with open(os.environ["BENCH_IMPORTS_OUT"], "w") as out:
        json.dump({"own": _own, "parent": _parent, "cpu": time.process_time()}, out)
atexit.register(_dump)
"""


def _group(name: str, parents: Mapping[str, str | None]) -> str:
    """The row of the nearest module, itself or an importer, that belongs to a library."""
    current: str | None = name
    while current is not None:
        group = GROUPS.get(current.split(".", 1)[0])
        if group is not None:
            return group
        current = parents.get(current)
    return STDLIB


def profile_once(source: str, env: Mapping[str, str], scratch: Path) -> Counter[str]:
    out = scratch / "imports.json"
    result = subprocess.run(
        [sys.executable, "-B", "-c", _CPU_IMPORT_TIMER + source],
        cwd=ROOT,
        env={**env, "BENCH_IMPORTS_OUT": str(out)},
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(result.stderr[-2000:])
    data = json.loads(out.read_text())
    totals: Counter[str] = Counter()
    for name, seconds in data["own"].items():
        totals[_group(name, data["parent"])] += seconds
    totals[NOT_IMPORTING] = data["cpu"] - sum(totals.values())
    return totals


def medians(runs: list[Counter[str]]) -> dict[str, float]:
    rows = {name for run in runs for name in run}
    return {name: statistics.median(run[name] for run in runs) * 1000 for name in rows}


def main() -> int:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 9
    app_runs: list[Counter[str]] = []
    boto_runs: list[Counter[str]] = []
    with seeded_emulator() as (env, _talent_id), tempfile.TemporaryDirectory() as scratch:
        for _ in range(count):
            app_runs.append(profile_once(_APP_PROBE, env, Path(scratch)))
            boto_runs.append(profile_once(_BOTO_PROBE, env, Path(scratch)))
    app, boto = medians(app_runs), medians(boto_runs)
    print(f"{'CPU ms, median of ' + str(count):<48} {'app':>8} {'boto3':>8}")
    for name in sorted(app.keys() | boto.keys(), key=lambda n: -app.get(n, 0.0)):
        print(f"{name:<48} {app.get(name, 0.0):8.1f} {boto.get(name, 0.0):8.1f}")
    print(f"{'sum of medians':<48} {sum(app.values()):8.1f} {sum(boto.values()):8.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
