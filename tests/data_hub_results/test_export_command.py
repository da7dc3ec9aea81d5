"""`manage.py export_results` writes the same files as the web downloads."""

import csv
import getpass
import io
import os
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from equity_portal.core.models import AuditEvent
from tests.processes import test_database_url

from .factories import ExtractFactory, ProvenanceFactory
from .test_results_agree_with_engine import RESULTS_HEADER

pytestmark = pytest.mark.django_db


def test_results_csv_of_the_latest_extract(org, extract_and_measures, tmp_path, analyst):
    out = tmp_path / "results.csv"
    stdout = io.StringIO()
    call_command(
        "export_results",
        org="alice",
        what="results",
        file_format="csv",
        out=str(out),
        stdout=stdout,
    )
    text = out.read_text()
    assert text.splitlines()[0] == RESULTS_HEADER
    from django.urls import reverse

    web = analyst.get(
        reverse(
            "results:export", kwargs={"org_slug": "alice", "what": "results", "file_format": "csv"}
        )
    )
    assert web.content.decode() == text
    assert f"extract {extract_and_measures[0].pk}" in stdout.getvalue()
    event = AuditEvent.objects.get(organization=org, action="results.export", actor=None)
    # The operating-system user who ran the command, not "system" (issue 15, item 8).
    assert event.actor_label == f"{getpass.getuser()} (manage.py export_results)"


def test_xlsx_of_a_named_extract(org, extract_and_measures, tmp_path):
    older = ExtractFactory(organization=org)
    ProvenanceFactory(extract=older)
    out = tmp_path / "summary.xlsx"
    call_command(
        "export_results",
        org="alice",
        what="summary",
        file_format="xlsx",
        extract=extract_and_measures[0].pk,
        out=str(out),
        stdout=io.StringIO(),
    )
    workbook = load_workbook(out, read_only=True)
    header = next(workbook["summary"].iter_rows(values_only=True))
    # Labels for people, each labelled code column followed by its codes (issue 16).
    assert header[:4] == ("Measure", "Measure (code)", "Period start", "Period")
    # measure and dimension each gain a code column; issue 11 adds the blank reason
    assert len(header) == 13 + 2
    readme = {r[0]: r[1] for r in workbook["Read me"].iter_rows(values_only=True) if r and r[0]}
    assert readme["Extract id"] == str(extract_and_measures[0].pk)
    assert readme["Method version"] == "stats-2"
    assert readme["Value map version"] == "3"
    assert "are suppressed" in readme["Suppression"]


def test_quality_csv(org, extract_and_measures, tmp_path):
    out = tmp_path / "quality.csv"
    call_command(
        "export_results",
        org="alice",
        what="quality",
        file_format="csv",
        out=str(out),
        stdout=io.StringIO(),
    )
    assert next(csv.reader(out.open()))[:4] == ["period_start", "period_label", "site", "dimension"]


def test_errors(org, other_org, extract_and_measures, tmp_path):
    with pytest.raises(CommandError, match="has no processed extract"):
        call_command(
            "export_results",
            org=other_org.slug,
            what="results",
            file_format="csv",
            out=str(tmp_path / "x.csv"),
        )
    with pytest.raises(CommandError, match="not a processed extract"):
        call_command(
            "export_results",
            org=other_org.slug,
            what="results",
            file_format="csv",
            extract=extract_and_measures[0].pk,
            out=str(tmp_path / "x.csv"),
        )


@pytest.mark.django_db(transaction=True)
def test_org_without_extracts_exits_non_zero_with_one_line(tmp_path, settings):
    # A real process on the (committed) test database: one line on stderr, no traceback.
    from tests.factories import OrganizationFactory

    OrganizationFactory(slug="empty-org")
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "export_results",
            "--org",
            "empty-org",
            "--what",
            "results",
            "--format",
            "csv",
            "--out",
            str(tmp_path / "x.csv"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "DATABASE_URL": test_database_url()},
    )
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert lines == ["CommandError: empty-org has no processed extract."], result.stderr
