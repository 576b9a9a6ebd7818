"""infra.slim on a small zip laid out the way chalice installs wheels (the real package is
checked in tests/functional/test_infra_package.py)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from infra.slim import SlimmingError, distributions, prune


def _wheel(files: dict[str, bytes], dist_info: str, installed: list[str]) -> None:
    record = "".join(f"{path},sha256=x,1\n" for path in installed)
    files[f"{dist_info}/METADATA"] = b"Name: x\n"
    record += f"{dist_info}/METADATA,,\n{dist_info}/RECORD,,\n"
    files[f"{dist_info}/RECORD"] = record.encode()
    for path in installed:
        files[path] = b"# " + path.encode() + b"\n" * 200


def _package(tmp_path: Path) -> Path:
    files: dict[str, bytes] = {"app.py": b"import chalicelib\n", "chalicelib/__init__.py": b""}
    _wheel(files, "botocore-1.44.8.dist-info", ["botocore/__init__.py", "botocore/data/x.json"])
    _wheel(files, "python_dateutil-2.9.0.dist-info", ["dateutil/__init__.py", "dateutil/tz.py"])
    _wheel(files, "pynamodb-6.1.0.dist-info", ["pynamodb/__init__.py"])
    path = tmp_path / "deployment.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return path


def _names(path: Path) -> set[str]:
    with zipfile.ZipFile(path) as archive:
        return set(archive.namelist())


def test_distributions_are_read_from_each_record(tmp_path: Path) -> None:
    with zipfile.ZipFile(_package(tmp_path)) as archive:
        found = distributions(archive)
    assert sorted(found) == ["botocore", "pynamodb", "python-dateutil"]
    assert found["python-dateutil"].version == "2.9.0"
    assert "dateutil/tz.py" in found["python-dateutil"].files
    assert "python_dateutil-2.9.0.dist-info/RECORD" in found["python-dateutil"].files


def test_prune_removes_exactly_the_named_distributions(tmp_path: Path) -> None:
    path = _package(tmp_path)
    before = _names(path)

    removed = prune(path, ("botocore", "python_dateutil"))

    assert [d.name for d in removed] == ["botocore", "python-dateutil"]
    after = _names(path)
    assert after == {n for n in before if not n.startswith(("botocore", "dateutil", "python_"))}
    assert {"app.py", "chalicelib/__init__.py", "pynamodb/__init__.py"} <= after
    with zipfile.ZipFile(path) as archive:
        assert archive.testzip() is None
        assert archive.read("pynamodb/__init__.py").startswith(b"# pynamodb")


def test_a_name_not_in_the_package_fails_and_changes_nothing(tmp_path: Path) -> None:
    path = _package(tmp_path)
    before = path.read_bytes()

    with pytest.raises(SlimmingError, match="boto3"):
        prune(path, ("botocore", "boto3"))

    assert path.read_bytes() == before
    assert list(tmp_path.iterdir()) == [path]


def test_files_a_record_does_not_list_fail_the_prune(tmp_path: Path) -> None:
    path = _package(tmp_path)
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("botocore/unlisted.py", b"")
    before = path.read_bytes()

    with pytest.raises(SlimmingError, match=r"botocore/unlisted\.py"):
        prune(path, ("botocore",))

    assert path.read_bytes() == before
    assert list(tmp_path.iterdir()) == [path]
