"""`manage.py export_results --org SLUG --what results|summary|quality --format csv|xlsx
[--extract ID] --out FILE`: the same files as the web downloads (issue 6 §5), audited.
`--what` takes any registered export (`exports.EXPORTS`: the results' own and the data
quality app's)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django_scopes import scope

from data_hub.results import exports, selectors, services
from equity_portal.core.audit import command_actor
from equity_portal.core.models import Organization


class Command(BaseCommand):
    help = "Export stratified results, summary measures or data quality as CSV or XLSX."

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help="organization slug")
        parser.add_argument("--what", required=True, choices=sorted(exports.EXPORTS))
        parser.add_argument("--format", required=True, choices=exports.FORMATS, dest="file_format")
        parser.add_argument("--extract", type=int, help="extract id (default: latest processed)")
        parser.add_argument("--out", required=True, help="file to write")

    def handle(self, *args, **options):
        with command_actor("export_results"):  # the audit event names who ran it
            return self._export(**options)

    def _export(self, *, org, what, file_format, extract, out, **options):
        organization = Organization.objects.filter(slug=org).first()
        if organization is None:
            raise CommandError(f"No organization with the slug {org!r}.")
        with scope(organization=organization):
            if extract is not None:
                chosen = selectors.extract_for(organization=organization, extract_id=extract)
                if chosen is None:
                    raise CommandError(
                        f"Extract {extract} is not a processed extract of {organization.slug}."
                    )
            else:
                chosen = selectors.latest_extract(organization=organization)
                if chosen is None:
                    raise CommandError(f"{organization.slug} has no processed extract.")
            content, _, _ = services.results_export(
                organization=organization,
                actor=None,
                extract=chosen,
                what=what,
                file_format=file_format,
            )
        path = Path(out)
        try:
            path.write_bytes(content)
        except OSError as error:
            raise CommandError(f"Cannot write {out}: {error.strerror}.") from error
        provenance = selectors.Provenance.of(chosen)
        self.stdout.write(
            f"{what} of extract {chosen.pk} written to {out} ({provenance.as_text()})"
        )
