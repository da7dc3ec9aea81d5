"""Recompute quality counts when an extract finishes processing or is re-stratified, without
touching the ingest code: post_save receivers that enqueue the task after the commit."""

from django.db import transaction

from data_hub.models import Extract


def _enqueue(extract_id: int) -> None:
    connection = transaction.get_connection()
    for _sids, func, *_ in connection.run_on_commit:  # once per transaction
        if getattr(func, "quality_extract_id", None) == extract_id:
            return

    def send():
        from .tasks import compute_quality

        compute_quality.delay(extract_id)

    send.quality_extract_id = extract_id
    transaction.on_commit(send)


def extract_saved(sender, instance, created, update_fields=None, **kwargs):
    if instance.status != Extract.Status.PROCESSED:
        return
    if update_fields is not None and "status" not in update_fields:
        return  # e.g. raw_deleted_at after processing: nothing changed for quality
    _enqueue(instance.pk)


def provenance_saved(sender, instance, created, **kwargs):
    # Re-stratification updates the provenance (value maps may have changed) and not
    # Extract.status; processing updates both (deduplicated above).
    _enqueue(instance.extract_id)
