"""infra.bytecode on a small zip (the real package: tests/functional/test_infra_package.py)."""

from __future__ import annotations

import importlib.util
import sys
import zipfile
from pathlib import Path

import pytest

from infra.bytecode import BytecodeError, add_bytecode

RUNTIME = f"python{sys.version_info.major}.{sys.version_info.minor}"


def _package(tmp_path: Path, files: dict[str, bytes]) -> Path:
    path = tmp_path / "deployment.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return path


def _names(path: Path) -> set[str]:
    with zipfile.ZipFile(path) as archive:
        return set(archive.namelist())


def test_every_module_gets_fresh_unchecked_bytecode_but_stripe(tmp_path: Path) -> None:
    stale = importlib.util.cache_from_source("chalicelib/a.py")
    path = _package(
        tmp_path,
        {
            "app.py": b"VALUE = 1\n",
            "chalicelib/a.py": b"VALUE = 2\n",
            stale: b"stale bytecode from the project directory",
            "stripe/__init__.py": b"VALUE = 3\n",
            "certifi/cacert.pem": b"-----BEGIN CERTIFICATE-----\n",
        },
    )

    assert add_bytecode(path, RUNTIME) == 2

    names = _names(path)
    assert importlib.util.cache_from_source("app.py") in names
    assert stale in names
    assert importlib.util.cache_from_source("stripe/__init__.py") not in names
    assert "certifi/cacert.pem" in names
    with zipfile.ZipFile(path) as archive:
        assert archive.read("app.py") == b"VALUE = 1\n"
        pyc = archive.read(stale)
    assert pyc != b"stale bytecode from the project directory"
    assert pyc[:4] == importlib.util.MAGIC_NUMBER
    # PEP 552 flags: 0b01 hash-based, 0b10 check_source unset means unchecked.
    assert int.from_bytes(pyc[4:8], "little") == 0b01


def test_another_runtime_fails_and_changes_nothing(tmp_path: Path) -> None:
    path = _package(tmp_path, {"app.py": b"VALUE = 1\n"})
    before = path.read_bytes()

    with pytest.raises(BytecodeError, match=r"python3\.99"):
        add_bytecode(path, "python3.99")

    assert path.read_bytes() == before


def test_a_module_that_does_not_compile_fails_and_changes_nothing(tmp_path: Path) -> None:
    path = _package(tmp_path, {"app.py": b"VALUE = 1\n", "chalicelib/bad.py": b"def (:\n"})
    before = path.read_bytes()

    with pytest.raises(BytecodeError, match=r"chalicelib/bad\.py"):
        add_bytecode(path, RUNTIME)

    assert path.read_bytes() == before
    assert list(tmp_path.iterdir()) == [path]
