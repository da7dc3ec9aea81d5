from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "learning"
    verbose_name = "Learn"

    def ready(self):
        from django.db.models.signals import post_save

        from equity_portal.core.glossary import register_glossary_provider
        from equity_portal.core.models import Organization
        from equity_portal.core.signals import demo_organization_seeded

        from . import receivers, selectors

        # Pages of every app link terms to this organization's glossary through the core.
        register_glossary_provider(selectors.glossary_index)

        post_save.connect(
            receivers.seed_new_organization,
            sender=Organization,
            dispatch_uid="learning.seed_new_organization",
        )
        demo_organization_seeded.connect(
            receivers.add_demo_content, dispatch_uid="learning.add_demo_content"
        )
