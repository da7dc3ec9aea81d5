from django.apps import AppConfig


class CommitmentsConfig(AppConfig):
    name = "commitments"
    verbose_name = "Step 1: Commit"

    def ready(self):
        from equity_portal.core.signals import demo_organization_seeded

        from .demo import seed_demo_content

        demo_organization_seeded.connect(seed_demo_content, dispatch_uid="commitments-demo")
