import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from equity_portal.celery import app as celery_app
from equity_portal.core.roles import Role
from tests.data_hub.factories import MeasureFactory
from tests.processes import reset_broker_connections, test_database_url

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


@pytest.fixture
def celery_workers(transactional_db, settings, tmp_path):
    """Start real Celery workers (solo pool) on the configured broker, sharing the test database
    and private storage: `start()` returns the process (log in tmp_path/worker-<n>.log). Every
    worker still alive at the end is terminated."""
    env = {
        **os.environ,
        "DATABASE_URL": test_database_url(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "PRIVATE_STORAGE_ROOT": str(settings.PRIVATE_STORAGE_ROOT),
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "DJANGO_SETTINGS_MODULE": "equity_portal.settings",
        "JOB_HEARTBEAT_SECONDS": "1",
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
        reset_broker_connections()
    started: list[tuple[subprocess.Popen, object]] = []

    def start() -> subprocess.Popen:
        number = len(started) + 1
        log = open(tmp_path / f"worker-{number}.log", "wb")  # noqa: SIM115 - closed below
        process = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "celery"),
                "-A",
                "equity_portal",
                "worker",
                "--pool=solo",
                "-c1",
                "--loglevel=INFO",
                f"--hostname=test-{os.getpid()}-{number}@%h",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        started.append((process, log))
        return process

    try:
        yield start
    finally:
        for process, log in started:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
            log.close()
        celery_app.conf.broker_transport_options = previous_options
        reset_broker_connections()


@pytest.fixture
def celery_worker_process(celery_workers, tmp_path):
    """One real worker; its log is tmp_path/worker.log."""
    process = celery_workers()
    (tmp_path / "worker.log").symlink_to(tmp_path / "worker-1.log")
    return process


def wait_for(predicate, timeout=90.0, interval=0.5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False
