"""Thin Celery wrapper: take the extract id, the service re-enters the scope and computes."""

import logging

import duckdb
from celery import shared_task
from django.db import OperationalError

from . import services

logger = logging.getLogger(__name__)


@shared_task(bind=True, acks_late=True, max_retries=3, name="data_quality.compute_quality")
def compute_quality(self, extract_id: int) -> None:
    try:
        services.quality_compute_in_scope(extract_id=extract_id)
    except OperationalError as exc:  # the database was briefly unavailable: try again
        raise self.retry(exc=exc, countdown=5) from exc
    except (duckdb.Error, OSError) as exc:
        # A damaged Parquet file must not fail the ingest that triggered us; the report
        # says the quality counts are missing.
        logger.error("quality of extract %s failed: %s", extract_id, type(exc).__name__)
