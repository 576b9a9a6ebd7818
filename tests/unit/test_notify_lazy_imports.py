"""Jinja2 and Babel cost cold-start time: `import app` (what every function does first) must
not import them; the first notification does."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_import_app_loads_neither_jinja2_nor_babel() -> None:
    code = (
        "import sys, app\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('jinja2', 'babel'))\n"
        "print(','.join(loaded))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""
    # The same probe sees them once the renderer is used (the check can fail).
    render = (
        "import sys, app\n"
        "from chalicelib.notify import render\n"
        "render.email('booking.requested', 'en', {'name': 'a', 'service': 'b', 'when': 'c'},"
        " 'x', False)\n"
    )
    used = code.replace("import sys, app\n", render)
    after = subprocess.run(
        [sys.executable, "-c", used], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert "jinja2" in after.stdout and "babel" in after.stdout
