"""Production settings pass `manage.py check --deploy` with no warnings and refuse to start
without a SECRET_KEY (DESIGN §3, issue 3)."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

MANAGE = Path(__file__).resolve().parents[2] / "manage.py"


def _run(*args: str, **env_overrides: str | None) -> subprocess.CompletedProcess:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "equity_portal.settings.production"}
    # Set by tests/conftest.py for live_server + Playwright; never part of a deployment.
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    for key, value in env_overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return subprocess.run(
        [sys.executable, str(MANAGE), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=MANAGE.parent,
    )


def test_production_settings_pass_check_deploy_without_warnings():
    result = _run(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY=secrets.token_urlsafe(64),
        PSEUDONYMIZATION_SECRET=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="portal.example.org",
    )

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output
    assert "WARNING" not in output and "?: (security." not in output


def test_production_refuses_to_start_without_a_secret_key():
    result = _run("check", SECRET_KEY=None, ALLOWED_HOSTS="portal.example.org")

    assert result.returncode != 0
    assert "Set the SECRET_KEY environment variable" in result.stderr


def test_production_refuses_to_start_without_a_pseudonymization_secret():
    result = _run(
        "check",
        SECRET_KEY=secrets.token_urlsafe(64),
        PSEUDONYMIZATION_SECRET=None,
        ALLOWED_HOSTS="portal.example.org",
    )

    assert result.returncode != 0
    assert "Set the PSEUDONYMIZATION_SECRET environment variable" in result.stderr


def test_production_refuses_a_pseudonymization_secret_equal_to_the_secret_key():
    key = secrets.token_urlsafe(64)
    result = _run(
        "check", SECRET_KEY=key, PSEUDONYMIZATION_SECRET=key, ALLOWED_HOSTS="portal.example.org"
    )

    assert result.returncode != 0
    assert "PSEUDONYMIZATION_SECRET must differ from SECRET_KEY" in result.stderr


def test_a_boolean_setting_that_is_not_a_boolean_is_refused():
    result = _run(
        "check",
        DJANGO_SETTINGS_MODULE="equity_portal.settings",
        DEBUG="treu",
    )

    assert result.returncode != 0
    assert "DEBUG='treu' is not a boolean" in result.stderr


def test_boolean_settings_accept_the_usual_spellings():
    result = _run(
        "shell",
        "--verbosity",
        "0",
        "-c",
        "from django.conf import settings; print(settings.DEBUG, settings.AXES_ENABLED)",
        DJANGO_SETTINGS_MODULE="equity_portal.settings",
        DEBUG="Yes",
        AXES_ENABLED="0",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "False"]
