"""Write /v1/openapi.json from the app's route table, without a server:
`python scripts/dump_openapi.py clients/typescript/openapi.json` (no argument: stdout)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main(argv: list[str]) -> None:
    import app  # noqa: F401 - registers every route
    from chalicelib.web.openapi import document

    text = json.dumps(document(), indent=2, sort_keys=False) + "\n"
    if len(argv) > 1:
        target = Path(argv[1])
        partial = target.with_suffix(".partial")
        partial.write_text(text, encoding="utf-8")
        partial.replace(target)
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main(sys.argv)
