from django.apps import AppConfig


class ImprovementConfig(AppConfig):
    name = "improvement"
    verbose_name = "Step 5: Improve"

    def ready(self):
        from equity_portal.core.signals import demo_organization_seeded

        from . import demo, tasks  # noqa: F401 - registers the Celery task

        demo_organization_seeded.connect(
            demo.seed_demo_improvement, dispatch_uid="improvement.demo"
        )
