"""Helpers for tests that start real processes (a Celery worker, a management command) on the
pytest test database and the configured broker."""

from pathlib import Path
from urllib.parse import quote

from django.db import connection
from kombu import pools

from equity_portal.celery import app as celery_app


def test_database_url() -> str:
    """The test database (pytest-django already renamed NAME) as a DATABASE_URL for a child
    process: the SQLite test file, or PostgreSQL's `test_<name>`."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return "sqlite:///" + str(Path(db["NAME"]).resolve())
    if connection.vendor == "postgresql":
        credentials = quote(db["USER"] or "")
        if db.get("PASSWORD"):
            credentials += ":" + quote(db["PASSWORD"])
        host = db.get("HOST") or "localhost"
        port = f":{db['PORT']}" if db.get("PORT") else ""
        return f"postgres://{credentials}@{host}{port}/{quote(db['NAME'])}"
    raise NotImplementedError(connection.vendor)


test_database_url.__test__ = False  # a helper, not a test


def reset_broker_connections() -> None:
    """Make the next publish connect with the current broker configuration. kombu keeps its
    connection pools in a global registry keyed by the broker URL: closing celery's pool alone
    leaves a closed pool there, which the next publish to the same URL (Redis) gets back
    ("Acquire on closed pool"). `pools.reset()` closes and forgets them all."""
    pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
