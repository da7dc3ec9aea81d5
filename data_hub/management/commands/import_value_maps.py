"""python manage.py import_value_maps --org SLUG FILE.csv (columns family,source_value,category,
as the value maps page exports them). Adds or changes entries and prints each change; a file
with an unknown family or category is refused as a whole, with the row numbers."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django_scopes import scope

from equity_portal.core.models import Organization

from ... import services


class Command(BaseCommand):
    help = "Add or change value-map entries from a CSV file: family,source_value,category."

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
                report = services.value_maps_import_csv(
                    organization=organization, text=text, actor=None
                )
        except ValidationError as error:
            raise CommandError("Nothing was imported.\n" + "\n".join(error.messages)) from None
        for family, value, target in report["added"]:
            self.stdout.write(f"added {family}: {value!r} -> {target}")
        for family, value, old, new in report["changed"]:
            self.stdout.write(f"changed {family}: {value!r} {old} -> {new}")
        self.stdout.write(
            f"value maps added: {len(report['added'])}, changed: {len(report['changed'])}, "
            f"unchanged: {len(report['unchanged'])}"
        )
