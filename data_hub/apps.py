from django.apps import AppConfig


class DataHubConfig(AppConfig):
    name = "data_hub"
    verbose_name = "Data hub"

    def ready(self):
        from equity_portal.core.signals import demo_organization_seeded, job_failed

        from . import demo, services, tasks  # noqa: F401 - registers the Celery tasks

        demo_organization_seeded.connect(demo.seed_demo_data, dispatch_uid="data_hub.demo")
        job_failed.connect(services.extract_job_failed, dispatch_uid="data_hub.job_failed")
