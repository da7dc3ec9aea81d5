"""Production serves hashed static files through whitenoise, from our own copies (no CDN):
collectstatic must post-process every file, which fails on any reference it cannot resolve
(e.g. a vendored CSS without its source map)."""

import importlib

import pytest
from django.core.management import call_command


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_collectstatic_with_the_production_manifest_storage(settings, tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 60)  # production refuses to load without one
    monkeypatch.setenv("PSEUDONYMIZATION_SECRET", "y" * 60)  # and without this one
    production = importlib.import_module("equity_portal.settings.production")
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = production.STORAGES

    call_command("collectstatic", interactive=False, verbosity=0)

    manifest = (tmp_path / "staticfiles.json").read_text()
    for asset in (
        "vendor/bootstrap/bootstrap.min.css",
        "vendor/bootstrap/bootstrap.bundle.min.js",
        "vendor/plotly/plotly.min.js",
        "django_htmx/htmx-2.min.js",
    ):
        assert f'"{asset}"' in manifest
