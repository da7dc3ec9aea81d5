from django.apps import AppConfig


class ResultsConfig(AppConfig):
    """Published results: the explorer, the disparities list, their charts and exports, the
    `export_results` command. Its models (`PublishedResult`, `PublishedSummary`) belong to
    `data_hub` (they are what the read API serves); this app owns the pages over them.

    It depends on no other data hub app: the data quality app plugs its export into
    `exports.register` (DESIGN §2, dependencies point one way)."""

    name = "data_hub.results"
    label = "results"
    verbose_name = "Results"

    def ready(self):
        from django.db.models.signals import post_save

        from equity_portal.core.models import Organization

        from . import publishing, tasks  # noqa: F401 - tasks registers the Celery task

        post_save.connect(
            publishing.organization_saved,
            sender=Organization,
            dispatch_uid="data_hub.results.organization_saved",
        )
