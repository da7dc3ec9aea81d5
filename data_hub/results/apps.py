from django.apps import AppConfig


def _organization_saved(sender, **kwargs):
    """An organization's k decides suppression (`publishing.organization_saved`). Publishing
    (and pandas with it) loads when an organization is saved, not when a process starts."""
    from . import publishing

    publishing.organization_saved(sender, **kwargs)


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

        from . import tasks  # noqa: F401 - registers the Celery task

        post_save.connect(
            _organization_saved,
            sender=Organization,
            dispatch_uid="data_hub.results.organization_saved",
        )
