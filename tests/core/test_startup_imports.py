"""Every process (web server, worker, beat, management commands) starts without the heavy
libraries: they load with the first page, job or file that needs them (issues 16 and 17:
the first start and the ingest command pay for imports). Checked in a fresh interpreter."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LAZY = ("pandas", "scipy", "openpyxl", "reportlab", "plotly", "statsmodels", "PIL")


def test_django_setup_loads_none_of_the_heavy_libraries():
    code = (
        "import json, os, sys\n"
        "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'equity_portal.settings')\n"
        "import django\n"
        "django.setup()\n"
        f"print(json.dumps([m for m in {LAZY!r} if m in sys.modules]))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []
