"""Cold start: the median time to `import app` in a fresh interpreter, against `import boto3`
alone (the floor any Lambda using AWS pays). Target: ratio <= 1.5.

Then the honest cold start, the first request (bench/first_request.py): a fresh interpreter
that imports the app and serves one `GET /v1/talent/{id}` against the emulator, against one
that imports boto3 and makes the same `GetItem`. Target: ratio <= 1.3. Twice: with this
venv's libraries, and as deployed (the unpacked `make package` zip beside the runtime's
boto3, nothing compiled at run time kept).

Run: .venv/bin/python bench/cold_start.py [--runs N]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import first_request

ROOT = Path(__file__).resolve().parent.parent
TARGET_RATIO = 1.5
_PROBE = (
    "import time, sys; t = time.perf_counter(); import {module}; "
    "sys.stdout.write(repr(time.perf_counter() - t))"
)


# `import app` followed by what the first DynamoDB request loads.
_WITH_DATA_LAYER = "app, chalicelib.models.user, chalicelib.models.talent"


def import_seconds(module: str) -> float:
    # -B: no .pyc writes, so every run sees the same (warm-cache) disk state.
    result = subprocess.run(
        [sys.executable, "-B", "-c", _PROBE.format(module=module)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return float(result.stdout)


def median_import(module: str, runs: int) -> float:
    import_seconds(module)  # warm the OS file cache and the .pyc files
    return statistics.median(import_seconds(module) for _ in range(runs))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", "app.py", "chalicelib"], cwd=ROOT, check=True
    )
    # Interleave the two so that machine noise hits both alike.
    app_times, boto_times = [], []
    for _ in range(args.runs):
        app_times.append(import_seconds("app"))
        boto_times.append(import_seconds("boto3"))
    app_median, boto_median = statistics.median(app_times), statistics.median(boto_times)
    ratio = app_median / boto_median
    # For the record: what the first request adds when it touches DynamoDB (pynamodb and
    # botocore load on first use, like every feature module).
    with_data = statistics.median(import_seconds(_WITH_DATA_LAYER) for _ in range(args.runs))
    print(f"import boto3 (median of {args.runs}): {boto_median * 1000:7.1f} ms")
    print(f"import app   (median of {args.runs}): {app_median * 1000:7.1f} ms")
    print(f"ratio app / boto3: {ratio:.2f} (target <= {TARGET_RATIO})")
    print(
        f"import app + data layer (first DynamoDB use): {with_data * 1000:7.1f} ms "
        f"({with_data / boto_median:.2f} x boto3; informational)"
    )
    with first_request.deployed_layout() as deployed:
        firsts = first_request.measure(args.runs, (first_request.VENV, deployed))
    print("\n".join(first_request.report(first) for first in firsts))
    return 0 if ratio <= TARGET_RATIO and all(first.passed for first in firsts) else 1


if __name__ == "__main__":
    raise SystemExit(main())
