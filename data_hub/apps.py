from django.apps import AppConfig


def _organization_saved(sender, **kwargs):
    """An organization's k decides suppression (`publishing.organization_saved`). Publishing
    (and pandas with it) loads when an organization is saved, not when a process starts."""
    from .results import publishing

    publishing.organization_saved(sender, **kwargs)


class DataHubConfig(AppConfig):
    name = "data_hub"
    verbose_name = "Data hub"

    def ready(self):
        from django.db.models.signals import post_save

        from equity_portal.core.models import Organization
        from equity_portal.core.signals import demo_organization_seeded, job_failed

        from . import demo, services, tasks  # noqa: F401 - registers the Celery tasks
        from .results import tasks as results_tasks  # noqa: F401

        demo_organization_seeded.connect(demo.seed_demo_data, dispatch_uid="data_hub.demo")
        job_failed.connect(services.extract_job_failed, dispatch_uid="data_hub.job_failed")
        post_save.connect(
            _organization_saved,
            sender=Organization,
            dispatch_uid="data_hub.results.organization_saved",
        )
