"""Issue 17: the project's processes keep Python's bytecode cache even where
PYTHONDONTWRITEBYTECODE is set (container and CI images set it). Without the cache every
command, worker and web process compiled Django, Celery and the project again: about 2 s of
each start on a fresh install."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _cached_after(tmp_path, command):
    prefix = tmp_path / "pycache"
    env = {
        **os.environ,
        "PYTHONDONTWRITEBYTECODE": "1",
        # Written here rather than next to the sources, so the test sees this run's writes.
        "PYTHONPYCACHEPREFIX": str(prefix),
        "DJANGO_SETTINGS_MODULE": "equity_portal.settings",
    }
    subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True, timeout=120)
    return {path.name.split(".")[0] for path in prefix.rglob("*.pyc")}


def test_manage_py_keeps_the_bytecode_of_what_it_imports(tmp_path):
    cached = _cached_after(tmp_path, [sys.executable, "manage.py", "help", "ingest_extract"])
    assert {"ingest_extract", "engine", "services", "celery"} <= cached


def test_worker_and_web_processes_keep_it_too(tmp_path):
    # celery -A equity_portal and gunicorn import the package before Django and the views.
    code = "import equity_portal, django; django.setup(); import data_hub.views"
    cached = _cached_after(tmp_path, [sys.executable, "-c", code])
    assert {"views", "services", "engine"} <= cached
