import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from equity_portal.core.roles import Role
from tests.data_hub.factories import MeasureFactory

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def measures(org):
    return {
        code: MeasureFactory(organization=org, code=code, name=name)
        for code, name in [("A1C", "HbA1c control"), ("BP", "Blood pressure control")]
    }


@pytest.fixture
def analyst(make_member, org):
    return make_member(org, Role.ANALYST).user


def _database_url() -> str:
    """The pytest test database, as a DATABASE_URL the worker process can use."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    user, password = db.get("USER") or "", db.get("PASSWORD") or ""
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = db.get("HOST") or "localhost"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{auth}{host}{port}/{db['NAME']}"


@pytest.fixture
def celery_worker_process(transactional_db, settings, tmp_path):
    """A real Celery worker (solo pool) on the configured broker, sharing the test database and
    private storage. Always terminated."""
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "PRIVATE_STORAGE_ROOT": str(settings.PRIVATE_STORAGE_ROOT),
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "DJANGO_SETTINGS_MODULE": "equity_portal.settings",
    }
    if settings.CELERY_BROKER_URL.startswith("filesystem://"):
        folder = Path(settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"]).parent
        env["CELERY_FILESYSTEM_DIR"] = str(folder)
    log = open(tmp_path / "worker.log", "wb")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "celery"),
            "-A",
            "equity_portal",
            "worker",
            "--pool=solo",
            "-c1",
            "--loglevel=INFO",
            f"--hostname=test-{os.getpid()}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        yield process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def wait_for(predicate, timeout=90.0, interval=0.5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False


__all__ = ["wait_for", "settings"]
