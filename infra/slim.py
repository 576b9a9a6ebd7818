"""Keep out of the deployment package what the Lambda Python runtime already provides.

Decision (issue 11 point 14): the functions use the runtime's boto3, botocore and s3transfer
rather than shipping their own. botocore alone is 16 of the 29 MB that `chalice package`
zips from requirements.txt, and loading it from the runtime's precompiled copy is also the
faster cold start. What we give up is pinning: the runtime's SDK is whatever AWS ships
(never older than the DynamoDB transactions, S3, SQS, EventBridge and SES calls we make,
which all predate 2019; pynamodb asks for botocore>=1.12.54). Tests run on the version pinned
in requirements.txt. If a future feature needs a newer SDK than the runtime's, ship a pinned
one in a layer rather than back in the function package.

The small libraries the runtime also carries (jmespath, python-dateutil, six, urllib3) stay
in the package: together they weigh 0.4 MB, and requests and powertools then get the
versions they were tested with.

chalice has no setting to leave a dependency out (pynamodb pulls botocore in even when
boto3 is not listed), so the zip it builds is rewritten here, distribution by distribution,
from each wheel's RECORD."""

from __future__ import annotations

import os
import re
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

RUNTIME_PROVIDED: tuple[str, ...] = ("boto3", "botocore", "s3transfer")

_DIST_INFO = re.compile(r"^(?P<name>[^/]+?)-(?P<version>[^-/]+)\.dist-info/RECORD$")


class SlimmingError(Exception):
    """The package does not hold what we expected to prune from it."""


@dataclass(frozen=True)
class Distribution:
    name: str  # normalised (PEP 503)
    version: str
    files: frozenset[str]  # every path the wheel installed, its .dist-info included


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def distributions(archive: zipfile.ZipFile) -> dict[str, Distribution]:
    """Every wheel installed in the zip, with the files its RECORD lists."""
    names = set(archive.namelist())
    found: dict[str, Distribution] = {}
    for entry in names:
        match = _DIST_INFO.match(entry)
        if match is None:
            continue
        dist_info = entry.rsplit("/", 1)[0] + "/"
        recorded = {
            line.split(",", 1)[0]
            for line in archive.read(entry).decode("utf-8").splitlines()
            if line.strip()
        }
        files = {path for path in recorded if path in names}
        files |= {name for name in names if name.startswith(dist_info)}
        name = normalise(match["name"])
        found[name] = Distribution(name, match["version"], frozenset(files))
    return found


def prune(path: Path, names: tuple[str, ...] = RUNTIME_PROVIDED) -> list[Distribution]:
    """Rewrite the zip at `path` without the distributions `names`; returns what was removed.

    Fails, leaving the file untouched, when a name is not in the package: a list that no
    longer matches what chalice bundles must be noticed, not skipped."""
    with zipfile.ZipFile(path) as source:
        installed = distributions(source)
        missing = [name for name in names if normalise(name) not in installed]
        if missing:
            raise SlimmingError(f"not in {path.name}, so cannot be pruned: {missing}")
        removed = [installed[normalise(name)] for name in names]
        dropped = frozenset().union(*(dist.files for dist in removed))
        fd, scratch = tempfile.mkstemp(dir=path.parent, suffix=".zip")
        os.close(fd)
        try:
            with zipfile.ZipFile(scratch, "w", compression=zipfile.ZIP_DEFLATED) as target:
                for info in source.infolist():
                    if info.filename not in dropped:
                        target.writestr(info, source.read(info.filename))
            _check_nothing_left(Path(scratch), dropped)
        except BaseException:
            Path(scratch).unlink(missing_ok=True)
            raise
    os.replace(scratch, path)
    return removed


def _check_nothing_left(path: Path, dropped: frozenset[str]) -> None:
    """A file of a pruned package that its RECORD did not list would be left behind
    half-installed; a package directory is gone entirely or not at all."""
    directories = {name.split("/", 1)[0] for name in dropped if "/" in name}
    with zipfile.ZipFile(path) as archive:
        left = sorted(n for n in archive.namelist() if n.split("/", 1)[0] in directories)
    if left:
        raise SlimmingError(f"files of pruned packages remain: {left[:10]}")


BABEL_LOCALE_DATA = "babel/locale-data/"


def prune_locale_data(path: Path, keep: tuple[str, ...]) -> int:
    """Drop Babel's CLDR files of locales the notifications never format in (about 9 of the
    package's megabytes); returns how many went. Fails if a kept one is not there."""
    with zipfile.ZipFile(path) as source:
        names = source.namelist()
        data = {n for n in names if n.startswith(BABEL_LOCALE_DATA) and n.endswith(".dat")}
        wanted = {f"{BABEL_LOCALE_DATA}{locale}.dat" for locale in keep}
        missing = sorted(wanted - data)
        if missing:
            raise SlimmingError(f"Babel locale data not in {path.name}: {missing}")
        dropped = data - wanted
        fd, scratch = tempfile.mkstemp(dir=path.parent, suffix=".zip")
        os.close(fd)
        try:
            with zipfile.ZipFile(scratch, "w", compression=zipfile.ZIP_DEFLATED) as target:
                for info in source.infolist():
                    if info.filename not in dropped:
                        target.writestr(info, source.read(info.filename))
        except BaseException:
            Path(scratch).unlink(missing_ok=True)
            raise
    os.replace(scratch, path)
    return len(dropped)
