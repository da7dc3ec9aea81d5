"""gunicorn.conf.py (README "Production"): the application is loaded once in the master, every
view module is imported before the workers fork, and what that import created is frozen out of
the garbage collector's full passes; workers collect the young generation less often. Checked in
a fresh interpreter, as gunicorn's master is one."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

MASTER = """
import gc, importlib.util, json, logging, os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "equity_portal.settings")
import django
django.setup()  # what preload_app does: equity_portal.wsgi
spec = importlib.util.spec_from_file_location("gunicorn_conf", "gunicorn.conf.py")
config = importlib.util.module_from_spec(spec)
spec.loader.exec_module(config)

class Server:
    log = logging.getLogger("gunicorn.test")

views = ("overview.views", "data_hub.results.views")
before = [m for m in views if m in sys.modules]
config.when_ready(Server())
frozen = gc.get_freeze_count()
config.post_fork(Server(), None)
print(json.dumps({"preload": config.preload_app, "before": before,
                  "after": [m for m in views if m in sys.modules], "frozen": frozen,
                  "threshold": gc.get_threshold()[0]}))
"""


def test_master_imports_the_views_and_freezes_the_heap_and_workers_collect_less_often():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    done = subprocess.run(
        [sys.executable, "-c", MASTER],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["preload"] is True
    assert found["before"] == []  # django.setup() alone does not import them
    assert found["after"] == ["overview.views", "data_hub.results.views"]
    assert found["frozen"] > 10_000
    assert found["threshold"] >= 10_000
