"""Ship the bytecode of the deployment package.

Lambda unpacks the zip into /var/task, which is read-only: without .pyc files in the zip,
every cold start compiles every module it imports from source, and our bench (warm .pyc
files on disk) never sees it. Measured with the unpacked zip and the runtime's libraries
beside it, the first `GET /v1/talent/{id}` took 1.65 times the CPU time it takes with
bytecode (README, "Package size and cold start"). The runtime's own boto3 and botocore
already come compiled.

The files are compiled for the functions' runtime (the build fails when this interpreter
is another version) with unchecked-hash invalidation: the interpreter uses them without
comparing source timestamps, which unzipping does not preserve reliably. Any __pycache__
the project directory carried into the zip is replaced, so no stale file can be used.

stripe is left as source: its bytecode is 3.5 MB zipped, and only a Stripe payment call
imports it."""

from __future__ import annotations

import importlib.util
import os
import py_compile
import sys
import tempfile
import zipfile
from pathlib import Path, PurePosixPath

NOT_COMPILED: tuple[str, ...] = ("stripe",)
LAMBDA_TASK_ROOT = "/var/task"


class BytecodeError(Exception):
    """The package cannot be compiled for the runtime it will run on."""


def _is_bytecode(name: str) -> bool:
    return name.endswith(".pyc") or "__pycache__/" in name


def _compiled(name: str) -> bool:
    return name.endswith(".py") and PurePosixPath(name).parts[0] not in NOT_COMPILED


def add_bytecode(path: Path, runtime: str) -> int:
    """Rewrite the zip at `path` with a .pyc beside each module; returns how many."""
    here = f"python{sys.version_info.major}.{sys.version_info.minor}"
    if runtime != here:
        raise BytecodeError(f"the functions run {runtime}; this build runs {here}")
    with tempfile.TemporaryDirectory(prefix="bytecode-") as scratch:
        root = Path(scratch)
        added: list[str] = []
        with zipfile.ZipFile(path) as source:
            kept = [info for info in source.infolist() if not _is_bytecode(info.filename)]
            for info in kept:
                if _compiled(info.filename):
                    (root / info.filename).parent.mkdir(parents=True, exist_ok=True)
                    (root / info.filename).write_bytes(source.read(info))
                    added.append(_compile(root, info.filename))
            fd, rewritten = tempfile.mkstemp(dir=path.parent, suffix=".zip")
            os.close(fd)
            try:
                with zipfile.ZipFile(rewritten, "w", compression=zipfile.ZIP_DEFLATED) as target:
                    for info in kept:
                        target.writestr(info, source.read(info))
                    for name in added:
                        target.write(root / name, name)
            except BaseException:
                Path(rewritten).unlink(missing_ok=True)
                raise
    os.replace(rewritten, path)
    return len(added)


def _compile(root: Path, name: str) -> str:
    cached = importlib.util.cache_from_source(name)
    try:
        py_compile.compile(
            str(root / name),
            cfile=str(root / cached),
            dfile=f"{LAMBDA_TASK_ROOT}/{name}",
            doraise=True,
            invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH,
        )
    except py_compile.PyCompileError as error:
        raise BytecodeError(f"{name} does not compile: {error.msg}") from None
    return cached
