import sys

# Celery and gunicorn processes import this package first: keep the bytecode cache for what
# they import next, as manage.py does (PYTHONDONTWRITEBYTECODE would recompile it every start).
sys.dont_write_bytecode = False

# Load the Celery app with Django so that @shared_task binds to it.
from .celery import app as celery_app  # noqa: E402 (after the flag above)

__all__ = ("celery_app",)
