"""A real Celery worker process picks up a task enqueued on commit and it takes effect: the
invitation email is sent from the worker and the invitation records it (DESIGN §7).

Runs with the embedded setup (SQLite file + filesystem broker) in `make test`, and against
PostgreSQL + Redis when DATABASE_URL / CELERY_BROKER_URL point there."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from equity_portal.celery import app as celery_app
from equity_portal.core.models import Invitation
from equity_portal.core.roles import Role
from tests.processes import reset_broker_connections, test_database_url

CELERY = Path(sys.executable).with_name("celery")
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def broker(tmp_path):
    """The broker both this process and the worker use. The filesystem broker gets a folder of
    its own, so a demo worker on this machine cannot take our message (nor we its)."""
    env = {"CELERY_BROKER_URL": settings.CELERY_BROKER_URL}
    previous = dict(celery_app.conf.broker_transport_options or {})
    if settings.CELERY_BROKER_URL.startswith("filesystem://"):
        folder = tmp_path / "broker"
        for sub in ("queue", "processed", "control"):
            (folder / sub).mkdir(parents=True)
        celery_app.conf.broker_transport_options = {
            **previous,
            "data_folder_in": str(folder / "queue"),
            "data_folder_out": str(folder / "queue"),
            "processed_folder": str(folder / "processed"),
            "control_folder": str(folder / "control"),
        }
        env["CELERY_FILESYSTEM_DIR"] = str(folder)
    reset_broker_connections()
    celery_app.conf.task_always_eager = False
    yield env
    celery_app.conf.broker_transport_options = previous
    reset_broker_connections()


@pytest.fixture
def worker(broker, tmp_path):
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    log = (tmp_path / "worker.log").open("w+")
    env = {
        **os.environ,
        **broker,
        "DJANGO_SETTINGS_MODULE": "equity_portal.settings",
        "DATABASE_URL": test_database_url(),
        "EMAIL_URL": f"filemail:///{mail_dir}",
        "CELERY_TASK_ALWAYS_EAGER": "false",
    }
    process = subprocess.Popen(
        [
            str(CELERY),
            "-A",
            "equity_portal",
            "worker",
            "--pool=solo",
            "-c1",
            "-l",
            "info",
            "--without-mingle",
            "--without-gossip",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_for(lambda: "ready." in Path(log.name).read_text(), 60, process, log)
        yield mail_dir, process, log
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def _wait_for(condition, seconds, process, log):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        if process.poll() is not None:
            break
        time.sleep(0.2)
    log.seek(0)
    raise AssertionError(f"worker: condition not met in {seconds}s\n{log.read()[-4000:]}")


@pytest.mark.django_db(transaction=True)
def test_worker_sends_the_invitation_email(worker, member_client, org):
    mail_dir, process, log = worker
    admin = member_client(org, Role.ADMIN)

    response = admin.post(
        reverse("core:invite", kwargs={"org_slug": org.slug}),
        {"email": "from.worker@example.test", "role": Role.CHAMPION},
    )
    assert response.status_code == 302
    invitation = Invitation.objects.get(email="from.worker@example.test")

    def emailed():
        invitation.refresh_from_db()
        return invitation.emailed_at is not None

    _wait_for(emailed, 60, process, log)
    sent = "".join(p.read_text() for p in mail_dir.iterdir())
    assert "To: from.worker@example.test" in sent
    assert f"/invitations/{invitation.token}/" in sent
