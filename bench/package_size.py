"""The deployment package's size: zipped and unzipped, per distribution (our code by its
top-level name) and in total, against the target of 20 MB zipped for the function code
and the dependencies the Lambda runtime does not provide.

Run: .venv/bin/python bench/package_size.py            # builds it with `python -m infra.package`
     .venv/bin/python bench/package_size.py --zip build/package/deployment.zip
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import subprocess
import sys
import tempfile
import zipfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from infra.slim import RUNTIME_PROVIDED, distributions  # noqa: E402

MB = 1_000_000  # decimal megabytes: the stricter reading of the target
TARGET_ZIPPED_BYTES = 20 * MB
# Each zip entry's local header (30 bytes) and central directory record (46 bytes) carry its
# name once each; counting them lets the rows add up to the file's size.
_ENTRY_OVERHEAD = 30 + 46


@dataclass(frozen=True)
class Row:
    name: str
    zipped: int
    unzipped: int
    files: int


def _source_of(name: str) -> str:
    """A .pyc counts for the package of its source (infra/bytecode.py adds them)."""
    if "__pycache__/" in name and name.endswith(".pyc"):
        return importlib.util.source_from_cache(name)
    return name


def rows(path: Path) -> list[Row]:
    """One row per installed distribution (its bytecode included), then one per top-level
    name no wheel claims (app.py, chalicelib, the chalice runtime)."""
    zipped: Counter[str] = Counter()
    unzipped: Counter[str] = Counter()
    files: Counter[str] = Counter()
    with zipfile.ZipFile(path) as archive:
        owner = {file: dist.name for dist in distributions(archive).values() for file in dist.files}
        for info in archive.infolist():
            source = _source_of(info.filename)
            name = owner.get(source) or source.split("/", 1)[0]
            entry_name = len(info.filename.encode())
            zipped[name] += info.compress_size + _ENTRY_OVERHEAD + 2 * entry_name
            unzipped[name] += info.file_size
            files[name] += 1
    return sorted(
        (Row(name, zipped[name], unzipped[name], files[name]) for name in files),
        key=lambda row: (-row.zipped, row.name),
    )


def build(outdir: Path) -> Path:
    env = {**os.environ, "AWS_DEFAULT_REGION": os.environ.get("AWS_DEFAULT_REGION", "us-east-1")}
    subprocess.run(
        [sys.executable, "-m", "infra.package", str(outdir)],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return outdir / "deployment.zip"


def report(path: Path) -> tuple[str, bool]:
    table = rows(path)
    total_zipped = path.stat().st_size
    total_unzipped = sum(row.unzipped for row in table)
    lines = [f"{'package':<28} {'zipped MB':>10} {'unzipped MB':>12} {'files':>6}"]
    lines += [
        f"{row.name:<28} {row.zipped / MB:10.2f} {row.unzipped / MB:12.2f} {row.files:6d}"
        for row in table
    ]
    passed = total_zipped <= TARGET_ZIPPED_BYTES
    lines += [
        f"{'total (' + path.name + ')':<28} {total_zipped / MB:10.2f} {total_unzipped / MB:12.2f}"
        f" {sum(row.files for row in table):6d}",
        f"left to the Lambda runtime: {', '.join(RUNTIME_PROVIDED)}",
        f"zipped {total_zipped / MB:.2f} MB vs target <= {TARGET_ZIPPED_BYTES / MB:.0f} MB: "
        f"{'PASS' if passed else 'FAIL'}",
    ]
    return "\n".join(lines), passed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--zip", type=Path, help="inspect this deployment.zip instead of building")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="package-size-") as scratch:
        path = args.zip or build(Path(scratch))
        text, passed = report(path)
    print(text)
    return 0 if passed else 1


if __name__ == "__main__":
    raise SystemExit(main())
