"""Thin Celery wrapper: the service claims the job, enters the organization's scope and
records progress."""

from celery import shared_task
from django.db import OperationalError

from . import services


@shared_task(bind=True, acks_late=True, max_retries=3, name="overview.build_board_report")
def board_report_build_task(self, report_id: int) -> None:
    redelivered = bool((self.request.delivery_info or {}).get("redelivered"))
    try:
        services.board_report_build(
            report_id=report_id, take_over=redelivered or self.request.retries > 0
        )
    except OperationalError as exc:
        raise self.retry(exc=exc, countdown=5) from exc
