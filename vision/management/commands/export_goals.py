"""`manage.py export_goals --org SLUG --out FILE`: the goals CSV of /o/<slug>/vision/goals.csv
(same columns and rows), for checking baselines outside the browser. Audited as an export."""

import csv

from django.core.management.base import BaseCommand, CommandError
from django_scopes import scope

from equity_portal.core.audit import audit_record
from equity_portal.core.exports import safe_csv_cell
from equity_portal.core.models import Organization
from vision import selectors


class Command(BaseCommand):
    help = "Write one organization's charter goals with their baselines as CSV."

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help="The organization's slug.")
        parser.add_argument("--out", required=True, help="The CSV file to write.")

    def handle(self, *args, org: str, out: str, **options):
        organization = Organization.objects.filter(slug=org).first()
        if organization is None:
            raise CommandError(f"No organization with the slug {org!r}.")
        with scope(organization=organization):
            count = 0
            with open(out, "w", newline="", encoding="utf-8") as handle:
                writer = csv.writer(handle)
                writer.writerow(selectors.GOAL_CSV_COLUMNS)
                for row in selectors.goal_csv_rows(organization=organization):
                    writer.writerow([safe_csv_cell(cell) for cell in row])
                    count += 1
            audit_record(
                organization=organization,
                actor=None,
                action="vision_goals.export",
                details={"rows": count, "via": "export_goals"},
            )
        self.stdout.write(f"{count} goal(s) written to {out}")
