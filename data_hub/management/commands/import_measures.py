"""python manage.py import_measures --org SLUG FILE.csv (columns code,name,direction,category)."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django_scopes import scope

from equity_portal.core.models import Organization

from ... import services


class Command(BaseCommand):
    help = "Define or update measures from a CSV file: code,name,direction,category."

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help="organization slug")
        parser.add_argument("file", help="CSV file")

    def handle(self, *args, org: str, file: str, **options):
        organization = Organization.objects.filter(slug=org).first()
        if organization is None:
            raise CommandError(f"No organization with slug {org!r}.")
        try:
            text = Path(file).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read {file}: {error.__class__.__name__}.") from None
        try:
            with scope(organization=organization):
                created, updated = services.measures_import_csv(
                    organization=organization, text=text, actor=None
                )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(f"measures created: {created}, updated: {updated}")
