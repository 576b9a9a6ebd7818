"""Backfill the paid-relation and standing markers of conversations from the subjects that
already exist (relations paid or completed before the markers were recorded).

    python -m chalicelib.maintenance.backfill_relations --all
    python -m chalicelib.maintenance.backfill_relations --customer USER_ID [--customer ...]

`--customer` reads only those customers' subjects (Queries); `--all` pages every subject
of the table. Safe to run again: markers already there are kept as they are."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from chalicelib.usecases.conversations import relations_backfill


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m chalicelib.maintenance.backfill_relations")
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--all", action="store_true", help="every subject of the table")
    source.add_argument(
        "--customer", action="append", metavar="USER_ID", help="this customer's subjects"
    )
    args = parser.parse_args(argv)
    if args.all:
        report = relations_backfill.for_everyone()
    else:
        report = relations_backfill.for_customers(args.customer)
    sys.stdout.write(report.line() + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
