"""python manage.py ingest_extract --org SLUG [--mapping MAPPING.json] [--sync] FILE

Runs the same service as the browser: upload, map (the saved mapping, else the headers matched
as the browser suggests), process through the worker (or in-process with --sync). Prints the
counts and ends with `extract: <id>`; on failure, one line and a non-zero exit."""

import json
import time
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_scopes import scope

import equity_stats
from equity_portal.celery import app as celery_app
from equity_portal.core.audit import command_actor
from equity_portal.core.models import Job, Organization

from ... import services, timings
from ...mapping import guess_format, suggest
from ...models import Extract, ExtractProvenance


class Command(BaseCommand):
    help = "Ingest an extract file for an organization."
    # The system checks import every URLconf and view (about 1.2 s of a 2 M-row ingest); this
    # command serves no page (`manage.py check` and the other commands still run them).
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help="organization slug")
        parser.add_argument("--mapping", help="mapping JSON (as exported from the browser)")
        parser.add_argument("--sync", action="store_true", help="process in this process")
        parser.add_argument("--timeout", type=int, default=3600, help="seconds to wait")
        parser.add_argument(
            "--timings", action="store_true", help="print the wall time of each phase"
        )
        parser.add_argument("file")

    def execute(self, *args, **options):
        # One line on failure, never a traceback (also for unexpected errors).
        try:
            return super().execute(*args, **options)
        except CommandError:
            raise
        except Exception as error:  # noqa: BLE001
            raise CommandError(f"ingest failed: {error.__class__.__name__}") from None

    def handle(self, *args, org, mapping, sync, timeout, file, **options):
        if options["timings"]:
            timings.enable()
            timings.record("start: python, django, imports", *timings.process_age())
        organization = Organization.objects.filter(slug=org).first()
        if organization is None:
            raise CommandError(f"No organization with slug {org!r}.")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {file}")
        with scope(organization=organization), command_actor("ingest_extract"):
            if sync:
                # Every job runs in this process: inspecting (in extract_upload), then
                # processing (results, quality counts, disclosure control, publication).
                previous = celery_app.conf.task_always_eager
                celery_app.conf.task_always_eager = True
                try:
                    with timings.phase("command: upload and map"):
                        extract = self._upload_and_map(organization, path, mapping, sync)
                    with timings.phase("job"):
                        services.extract_process(job_id=extract.job_id)
                finally:
                    celery_app.conf.task_always_eager = previous
            else:
                with timings.phase("command: upload and map"):
                    extract = self._upload_and_map(organization, path, mapping, sync)
            job = self._wait(extract.job_id, timeout)
            extract.refresh_from_db()
            protection = self._protection(extract)
        if job.status != Job.Status.SUCCEEDED:
            reason = job.message or "processing did not finish"
            raise CommandError(f"{reason} (extract: {extract.pk})")
        self.stdout.write(f"rows read: {extract.rows_read}")
        self.stdout.write(f"rows accepted: {extract.rows_accepted}")
        self.stdout.write(f"rows rejected: {extract.rows_rejected}")
        self.stdout.write(f"measures: {extract.measures_count}")
        self.stdout.write(f"periods: {extract.periods_count}")
        if protection:
            self.stdout.write(protection)
        self._unmapped(organization, extract)
        self.stdout.write(f"extract: {extract.pk}")
        for name, (wall, cpu) in timings.recorded().items():
            self.stdout.write(f"phase {name}: {wall:.3f} s wall, {cpu:.3f} s cpu")

    @staticmethod
    def _protection(extract) -> str:
        """What small-cell protection hid and how long its audit took (the provenance)."""
        figures = (
            ExtractProvenance.objects.filter(extract=extract)
            .values_list("disclosure", flat=True)
            .first()
        ) or {}
        if "cells" not in figures:
            return ""
        audit = "passed" if figures.get("audit_passed") else "FAILED"
        return (
            f"small-cell protection: {figures['cells_protected']:,} of {figures['cells']:,} "
            f"published cells hidden ({figures['primary']:,} below k, {figures['secondary']:,} "
            f"to protect them); audit {audit} in {figures['seconds']} s"
        )

    def _unmapped(self, organization, extract) -> None:
        """The values no value map knows, per family, with their row counts (a count below the
        organization's threshold is shown as "fewer than k")."""
        k = max(int(organization.suppression_k or equity_stats.MIN_K), equity_stats.MIN_K)
        for family, values in sorted((extract.unmapped_values or {}).items()):
            self.stdout.write(f"unmapped {family} values (counted as Unknown):")
            for value, count in sorted(values.items(), key=lambda kv: (-kv[1], kv[0])):
                shown = f"fewer than {k}" if count < k else str(count)
                self.stdout.write(f"  {value!r}: {shown} rows")

    def _config(self, organization, headers, mapping_file):
        if mapping_file:
            try:
                data = json.loads(Path(mapping_file).read_text(encoding="utf-8-sig"))
            except (OSError, ValueError):
                raise CommandError(f"Cannot read the mapping {mapping_file}.") from None
            if not isinstance(data, dict):
                raise CommandError("The mapping file must hold a JSON object.")
            return data
        columns = suggest(headers, services.measure_aliases(organization=organization))
        return {"format": guess_format(columns), "columns": columns, "date_period": "month"}

    def _upload_and_map(self, organization, path, mapping_file, sync) -> Extract:
        try:
            with open(path, "rb") as handle:
                extract = services.extract_upload(
                    organization=organization,
                    uploaded_file=File(handle, name=path.name),
                    actor=None,
                )
            config = self._config(organization, extract.headers, mapping_file)
            with transaction.atomic():
                # --sync runs the job in this process once the mapping is committed.
                services.extract_map_columns(
                    extract=extract, config=config, actor=None, enqueue=not sync
                )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        extract.refresh_from_db()
        return extract

    @staticmethod
    def _wait(job_id: int, timeout: int) -> Job:
        deadline = time.monotonic() + timeout
        while True:
            job = Job.objects.get(pk=job_id)
            if job.is_finished:
                return job
            if time.monotonic() > deadline:
                raise CommandError(f"The job did not finish within {timeout} s.")
            time.sleep(0.5)
