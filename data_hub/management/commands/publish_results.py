"""`manage.py publish_results [--org SLUG]`: publish the results of every processed extract
again (of one organization, or of all). Extracts processed before published results existed
appear on the results pages only once published; a changed setting republishes by itself."""

from django.core.management.base import BaseCommand, CommandError
from django_scopes import scope, scopes_disabled

from data_hub.results import publishing
from equity_portal.core.models import Organization


class Command(BaseCommand):
    help = "Publish the results of processed extracts again."

    def add_arguments(self, parser):
        parser.add_argument("--org", help="organization slug (default: every organization)")

    def handle(self, *args, org=None, **options):
        with scopes_disabled():
            organizations = list(Organization.objects.order_by("slug"))
        if org is not None:
            organizations = [o for o in organizations if o.slug == org]
            if not organizations:
                raise CommandError(f"No organization with the slug {org!r}.")
        for organization in organizations:
            with scope(organization=organization):
                count = publishing.republish_organization(organization=organization)
            self.stdout.write(f"{organization.slug}: {count} extract(s) published")
