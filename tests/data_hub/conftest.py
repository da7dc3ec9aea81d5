import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from equity_portal.celery import app as celery_app
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


def _reset_producer_pool():
    """Make the next publish connect with the current broker options."""
    if celery_app._pool is not None:
        celery_app._pool.force_close_all()
        celery_app._pool = None


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
    previous_options = celery_app.conf.broker_transport_options
    if settings.CELERY_BROKER_URL.startswith("filesystem://"):
        # A broker folder of its own, so no other worker (make demo) takes the test's task.
        folder = tmp_path / "broker"
        for sub in ("queue", "processed", "control"):
            (folder / sub).mkdir(parents=True)
        env["CELERY_FILESYSTEM_DIR"] = str(folder)
        celery_app.conf.broker_transport_options = {
            "data_folder_in": str(folder / "queue"),
            "data_folder_out": str(folder / "queue"),
            "processed_folder": str(folder / "processed"),
            "store_processed": False,
            "control_folder": str(folder / "control"),
        }
        _reset_producer_pool()
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
        celery_app.conf.broker_transport_options = previous_options
        _reset_producer_pool()


def wait_for(predicate, timeout=90.0, interval=0.5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False
