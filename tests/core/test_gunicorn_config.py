"""gunicorn.conf.py (README "Production"): the application is loaded once in the master, every
view module is imported before the workers fork, and what that import created is frozen out of
the garbage collector's full passes; workers collect the young generation less often."""

import gc
import importlib.util
import logging
import sys
from pathlib import Path

import pytest

CONFIG = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"


@pytest.fixture
def config():
    spec = importlib.util.spec_from_file_location("gunicorn_conf", CONFIG)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class FakeServer:
    log = logging.getLogger("gunicorn.test")


def test_the_app_is_preloaded(config):
    assert config.preload_app is True


def test_when_ready_imports_the_views_and_freezes_the_heap(config):
    try:
        config.when_ready(FakeServer())
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()
    assert "overview.views" in sys.modules and "data_hub.results.views" in sys.modules


def test_workers_collect_the_young_generation_less_often(config):
    before = gc.get_threshold()
    try:
        config.post_fork(FakeServer(), worker=None)
        assert gc.get_threshold()[0] >= 10_000
    finally:
        gc.set_threshold(*before)
