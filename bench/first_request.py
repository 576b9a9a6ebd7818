"""The honest cold start: a fresh interpreter that imports the app and serves one
`GET /v1/talent/{id}` against the emulator, against a fresh interpreter that imports boto3,
creates a DynamoDB client and reads the same talent with one `GetItem`.

Both are timed from the parent, spawn to exit, so interpreter start-up, imports, client
creation, credential and endpoint resolution and the emulator's answers all count. The app
runs with production settings (metrics on, INFO logs, the function environment's fixed
variables), as its Lambda would.
"""

from __future__ import annotations

import importlib.util
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TARGET_RATIO = 1.3

# What Lambda's Python runtime does: import the handler module, then call it with the event.
_APP_PROBE = """
import json, os, sys
import app
event = json.loads(os.environ["BENCH_EVENT"])
class Context:
    function_name = "marketplace-bench-api"
    memory_limit_in_mb = 1024
    invoked_function_arn = "arn:aws:lambda:us-east-1:000000000000:function:bench"
    aws_request_id = "bench-request"
    log_group_name = "/aws/lambda/bench"
    log_stream_name = "bench"
    def get_remaining_time_in_millis(self):
        return 30000
response = app.app(event, Context())
if response["statusCode"] != 200:
    sys.exit(f"GET answered {response['statusCode']}: {response.get('body')}")
sys.stdout.write(json.loads(response["body"])["id"])
"""

# The floor: the same read with nothing but boto3.
_BOTO_PROBE = """
import json, os, sys
import boto3
client = boto3.client("dynamodb")
key = json.loads(os.environ["BENCH_KEY"])
item = client.get_item(TableName=os.environ["TABLE_NAME"], Key=key).get("Item")
if item is None:
    sys.exit("the seeded talent is not in the table")
sys.stdout.write(item["talent_id"]["S"])
"""

# What the Lambda Python runtime puts on sys.path beside the function's code (/var/runtime).
RUNTIME_LIBRARIES = ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "six", "urllib3")

# Set by bench/harness.py for its own in-process runs; a deployed function has neither.
_BENCH_ONLY_SETTINGS = ("POWERTOOLS_METRICS_DISABLED", "POWERTOOLS_LOG_LEVEL")


@dataclass(frozen=True)
class Timing:
    wall: float  # spawn to exit, seconds
    cpu: float  # the child's user + system time, seconds


@dataclass(frozen=True)
class FirstRequest:
    app_seconds: float
    boto_seconds: float
    runs: int
    # CPU time is the figure to trust on a busy machine: other processes stretch wall time.
    app_cpu_seconds: float
    boto_cpu_seconds: float
    layout: str = "venv"

    @property
    def ratio(self) -> float:
        return self.app_seconds / self.boto_seconds

    @property
    def cpu_ratio(self) -> float:
        return self.app_cpu_seconds / self.boto_cpu_seconds

    @property
    def passed(self) -> bool:
        return self.ratio <= TARGET_RATIO


def api_gateway_event(talent_id: str) -> dict[str, Any]:
    """The REST API proxy event API Gateway sends for an anonymous GET of a profile."""
    path = f"/v1/talent/{talent_id}"
    return {
        "resource": "/v1/talent/{talent_id}",
        "path": path,
        "httpMethod": "GET",
        "headers": {"accept": "application/json", "host": "api.example.com"},
        "multiValueHeaders": {"accept": ["application/json"], "host": ["api.example.com"]},
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": {"talent_id": talent_id},
        "stageVariables": None,
        "requestContext": {
            "resourcePath": "/v1/talent/{talent_id}",
            "httpMethod": "GET",
            "path": f"/api{path}",
            "stage": "api",
            "requestId": "bench-request",
            "identity": {"sourceIp": "203.0.113.7"},
        },
        "body": None,
        "isBase64Encoded": False,
    }


def function_environment(stage: str = "prod") -> dict[str, str]:
    """The fixed variables a deployed function gets: .chalice/config.json's, and the plain
    values of infra/'s function environment (the others name resources)."""
    config = json.loads((ROOT / ".chalice" / "config.json").read_text())
    variables = dict(config.get("environment_variables", {}))
    variables.update(config["stages"][stage].get("environment_variables", {}))
    resources = json.loads((ROOT / "infra" / "resources.json").read_text())
    infra = resources["Metadata"]["Marketplace::FunctionEnvironment"]
    variables.update({name: value for name, value in infra.items() if isinstance(value, str)})
    return variables


@contextmanager
def seeded_emulator() -> Iterator[tuple[dict[str, str], str]]:
    """An emulator holding infra/'s resources and one talent created through the API;
    yields the environment a function would see and the talent's id."""
    sys.path.insert(0, str(ROOT))
    from bench.harness import local_app
    from tests.functional.factories import create_talent

    with local_app() as (api, _counter, _endpoint):
        talent_id = str(create_talent(api, "talent@example.com")["id"])
        from chalicelib.models import keys

        env = {k: v for k, v in os.environ.items() if k not in _BENCH_ONLY_SETTINGS}
        env.update(function_environment())
        env["STAGE"] = "prod"
        env["BENCH_EVENT"] = json.dumps(api_gateway_event(talent_id))
        env["BENCH_KEY"] = json.dumps(
            {"PK": {"S": keys.talent_pk(talent_id)}, "SK": {"S": keys.PROFILE_SK}}
        )
        yield env, talent_id


@dataclass(frozen=True)
class Layout:
    """Where the probes find their libraries."""

    name: str
    flags: tuple[str, ...]
    app_path: tuple[str, ...] = ()
    boto_path: tuple[str, ...] = ()

    def source(self, probe: str, path: tuple[str, ...]) -> str:
        return f"import sys; sys.path[:0] = {list(path)!r}\n{probe}" if path else probe


# This venv, with every module's .pyc on disk. -B as in cold_start.py: read the .pyc files,
# never write them mid-measurement.
VENV = Layout("venv", ("-B",))


@contextmanager
def deployed_layout() -> Iterator[Layout]:
    """As on Lambda: the unpacked `make package` zip, and beside it only what the runtime
    provides (boto3, botocore, ... taken from this venv); -S: no site-packages, -B: the task
    directory is read-only, so what is not compiled in the zip is compiled in every start."""
    with tempfile.TemporaryDirectory(prefix="first-request-") as scratch:
        root = Path(scratch)
        env = {
            **os.environ,
            "AWS_DEFAULT_REGION": os.environ.get("AWS_DEFAULT_REGION", "us-east-1"),
        }
        subprocess.run(
            [sys.executable, "-m", "infra.package", str(root / "out")],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        with zipfile.ZipFile(root / "out" / "deployment.zip") as archive:
            archive.extractall(root / "task")
        runtime = root / "runtime"
        runtime.mkdir()
        for name in RUNTIME_LIBRARIES:
            spec = importlib.util.find_spec(name)
            if spec is None or spec.origin is None:
                raise RuntimeError(f"{name} is not installed here")
            origin = Path(spec.origin)
            source = origin.parent if origin.name == "__init__.py" else origin
            (runtime / source.name).symlink_to(source)
        yield Layout(
            "as deployed",
            ("-S", "-B"),
            app_path=(str(root / "task"), str(runtime)),
            boto_path=(str(runtime),),
        )


def run_probe(source: str, env: Mapping[str, str], expected: str, layout: Layout) -> Timing:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, *layout.flags, "-c", source],
        cwd=ROOT,
        env=dict(env),
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0 or not result.stdout.endswith(expected):
        raise RuntimeError(f"probe failed ({result.returncode}): {result.stderr[-2000:]}")
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return Timing(elapsed, cpu)


def measure(runs: int, layouts: tuple[Layout, ...] = (VENV,)) -> list[FirstRequest]:
    """One emulator for all layouts: the app, once imported here, keeps its first one."""
    results = []
    with seeded_emulator() as (env, talent_id):
        for layout in layouts:
            app = layout.source(_APP_PROBE, layout.app_path)
            boto = layout.source(_BOTO_PROBE, layout.boto_path)
            # Warm the OS file cache once each, then interleave so that machine noise hits
            # both alike.
            run_probe(app, env, talent_id, layout)
            run_probe(boto, env, talent_id, layout)
            app_times, boto_times = [], []
            for _ in range(runs):
                app_times.append(run_probe(app, env, talent_id, layout))
                boto_times.append(run_probe(boto, env, talent_id, layout))
            results.append(
                FirstRequest(
                    app_seconds=statistics.median(t.wall for t in app_times),
                    boto_seconds=statistics.median(t.wall for t in boto_times),
                    runs=runs,
                    app_cpu_seconds=statistics.median(t.cpu for t in app_times),
                    boto_cpu_seconds=statistics.median(t.cpu for t in boto_times),
                    layout=layout.name,
                )
            )
    return results


def report(result: FirstRequest) -> str:
    return "\n".join(
        (
            f"first request ({result.layout}), fresh boto3 GetItem (median of {result.runs}): "
            f"{result.boto_seconds * 1000:7.1f} ms",
            f"first request ({result.layout}), fresh app GET /v1/talent/{{id}} "
            f"(median of {result.runs}): "
            f"{result.app_seconds * 1000:7.1f} ms",
            f"ratio first request ({result.layout}) app / boto3: {result.ratio:.2f} "
            f"(target <= {TARGET_RATIO}) "
            f"{'PASS' if result.passed else 'FAIL'}",
            f"  the same in CPU time (user + sys, medians): app {result.app_cpu_seconds * 1000:.0f}"
            f" ms / boto3 {result.boto_cpu_seconds * 1000:.0f} ms = {result.cpu_ratio:.2f}",
        )
    )


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    with deployed_layout() as deployed:
        outcomes = measure(count, (VENV, deployed))
    print("\n".join(report(outcome) for outcome in outcomes))
    raise SystemExit(0 if all(outcome.passed for outcome in outcomes) else 1)
