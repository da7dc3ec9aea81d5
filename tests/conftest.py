"""Shared fixtures: three-party organizations (alice's org, bob in it with another role,
charlie outside), logged-in clients per role, scope handling, Celery mode, browser launch."""

import os

import pytest
from django.conf import settings as django_settings
from django.db import connections
from django.test import Client
from django_scopes import scopes_disabled

from equity_portal.celery import app as celery_app
from equity_portal.core.roles import Role
from tests.factories import MembershipFactory, OrganizationFactory

ROLES = [r.value for r in Role]


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """One SQLite test database file per pytest process (var/test_db_<pid>.sqlite3): several
    runs in one checkout (engineers, CI, xdist) must not recreate each other's file mid-run.
    A file, not memory, so that a real worker process can open it (tests/core/test_worker.py)."""
    for alias, database in django_settings.DATABASES.items():
        test_name = database.get("TEST", {}).get("NAME")
        if database["ENGINE"].endswith("sqlite3") and test_name and ":memory:" not in test_name:
            stem, dot, suffix = str(test_name).rpartition(".")
            database["TEST"]["NAME"] = f"{stem}_{os.getpid()}{dot}{suffix}"
            connections[alias].settings_dict["TEST"]["NAME"] = database["TEST"]["NAME"]


@pytest.fixture(autouse=True)
def _scopes_disabled_in_test_code():
    """Test bodies and factories work across organizations. Requests still run in the scope the
    OrganizationMiddleware sets afresh, so this cannot hide a view that forgets its scope."""
    with scopes_disabled():
        yield


@pytest.fixture(autouse=True)
def _celery_mode(request, settings):
    """In-process Celery for plain tests; a real worker only for tests marked `services`."""
    eager = request.node.get_closest_marker("services") is None
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = eager
    settings.CELERY_TASK_ALWAYS_EAGER = eager
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: ids repeat across tests (rolled back), and
    cached results keyed by them (an extract's disclosure decisions) must not leak."""
    from django.core.cache import cache

    from equity_portal.core import revision

    cache.clear()
    revision.clear()  # the pages' memo, keyed by organization ids that repeat too
    # A test's transaction never commits: bump the content revision at once, not on commit
    # (tests/core/test_content_revision.py checks the on-commit path).
    revision.BUMP_AT_ONCE = True
    yield


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # PBKDF2's deliberate slowness costs ~0.2 s per factory user; tests check logic, not cost.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"


@pytest.fixture
def org(db):
    return OrganizationFactory(name="Alice Health", slug="alice")


@pytest.fixture
def other_org(db):
    return OrganizationFactory(name="Charlie Clinics", slug="charlie")


@pytest.fixture
def make_member(db):
    def make(organization, role=Role.CHAMPION, **kwargs):
        return MembershipFactory(organization=organization, role=role, **kwargs)

    return make


@pytest.fixture
def member_client(make_member):
    """`member_client(org, "analyst")` -> a Client logged in as a new member with that role.
    The membership is available as `client.membership`."""

    def make(organization, role=Role.CHAMPION):
        membership = make_member(organization, role)
        client = Client()
        client.force_login(membership.user)
        client.membership = membership
        client.user = membership.user
        return client

    return make


@pytest.fixture
def admin_client_org(member_client, org):
    return member_client(org, Role.ADMIN)


@pytest.fixture
def outsider_client(member_client, other_org):
    """A member of another organization (charlie)."""
    return member_client(other_org, Role.ADMIN)


# Browser tests (pytest -m browser): Debian's Chromium, never a downloaded browser.
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


def pytest_configure(config):
    # whitenoise warns once per test client when `collectstatic` has not run; tests serve no
    # static files, so the warning is noise.
    config.addinivalue_line(
        "filterwarnings", "ignore:No directory at:UserWarning:django.core.handlers.base"
    )


@pytest.hookimpl(trylast=True)  # after `-m` deselection: only when browser tests will run
def pytest_collection_modifyitems(config, items):
    # live_server runs Django in a thread next to Playwright's event loop.
    if any(item.get_closest_marker("browser") for item in items):
        os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
