from django.apps import AppConfig


class QualityConfig(AppConfig):
    """Data quality of REaL fields (completeness by site and period, distributions)."""

    name = "data_hub.quality"
    label = "data_quality"
    verbose_name = "Data quality"

    def ready(self):
        from django.db.models.signals import post_save

        from data_hub.models import Extract, ExtractProvenance

        from . import signals, tasks  # noqa: F401 - registers the Celery task

        post_save.connect(signals.extract_saved, sender=Extract, dispatch_uid="quality.extract")
        post_save.connect(
            signals.provenance_saved, sender=ExtractProvenance, dispatch_uid="quality.provenance"
        )
