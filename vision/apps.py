from django.apps import AppConfig


class VisionConfig(AppConfig):
    name = "vision"
    verbose_name = "Vision"

    def ready(self):
        from equity_portal.core.home import register_home_panel
        from equity_portal.core.signals import demo_organization_seeded

        from . import demo, selectors, tasks  # noqa: F401 - registers the Celery tasks

        demo_organization_seeded.connect(demo.seed_demo_vision, dispatch_uid="vision.demo")
        # The approved vision statement on the organization's home page.
        register_home_panel("vision", selectors.home_panel)
