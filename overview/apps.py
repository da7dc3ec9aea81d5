from django.apps import AppConfig


class OverviewConfig(AppConfig):
    name = "overview"
    verbose_name = "Overview"

    def ready(self):
        from django.db.models.signals import post_save

        from equity_portal.core.models import Organization
        from equity_portal.core.signals import demo_organization_seeded

        from . import evidence_providers, receivers

        evidence_providers.register_all()
        post_save.connect(
            receivers.seed_new_organization,
            sender=Organization,
            dispatch_uid="overview.seed_new_organization",
        )
        demo_organization_seeded.connect(
            receivers.add_demo_content, dispatch_uid="overview.add_demo_content"
        )
