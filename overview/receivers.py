"""Signal receivers: today's accreditation requirements for every new organization (and the
demo organization of seed_demo)."""

from django_scopes import scope

from equity_portal.core.models import Organization

from . import services


def seed_new_organization(sender, instance: Organization, created: bool, raw=False, **kwargs):
    if created and not raw:
        with scope(organization=instance):
            services.requirements_seed_defaults(organization=instance)


def add_demo_content(sender, organization: Organization, users: dict, stdout=None, **kwargs):
    with scope(organization=organization):
        added = services.requirements_seed_defaults(organization=organization)
    if stdout and added:
        stdout.write(f"  overview: {added} accreditation requirements")
