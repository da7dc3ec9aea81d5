"""Validation before anything is stored: row numbers and reasons, tolerance, unreadable files."""

import csv
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from data_hub import services
from data_hub.models import Extract, StratifiedCount
from equity_portal.core.models import AuditEvent, Job
from tests.data_hub.factories import counts, ingest, row, upload_file, write_csv

GOOD = [row(f"TEST-{i:04d}", num=str(i % 2)) for i in range(1, 200)]


def _rejected(extract):
    return {r["row"]: (r["field"], r["reason"]) for r in extract.rejected_sample}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "bad_row, field, reason",
    [
        (row(""), "patient_id", "patient_id is missing"),
        (row(measure=""), "measure", "measure is missing"),
        (row(period=""), "period", "period is missing"),
        (row(num=""), "numerator", "numerator is missing"),
        (row(period="sometime"), "period", "period is not a date"),
        (row(num="4.5", den="9"), "numerator", "not a non-negative whole number"),
        (row(num="-1"), "numerator", "not a non-negative whole number"),
        (row(den="x"), "denominator", "not a non-negative whole number"),
        (row(num="3", den="2"), "numerator", "greater than the denominator"),
        (row(age="140"), "age", "plausible age"),
        (row(age="abc"), "age", "plausible age"),
    ],
)
def test_each_rule_rejects_with_row_number(org, measures, tmp_path, bad_row, field, reason):
    rows = GOOD[:150] + [bad_row] + GOOD[150:]
    organization = org
    organization.reject_tolerance_percent = 5
    organization.save()

    extract = ingest(organization, write_csv(tmp_path / "e.csv", rows))

    assert extract.status == "processed"
    assert extract.rows_rejected == 1
    assert extract.rows_accepted == len(GOOD)
    number, (got_field, got_reason) = next(iter(_rejected(extract).items()))
    assert number == 152  # header is row 1, the bad row is the 151st data row
    assert got_field == field and reason in got_reason


@pytest.mark.django_db
def test_duplicates_and_short_rows_are_reported_with_their_rows(org, measures, tmp_path):
    org.reject_tolerance_percent = 10
    org.save()
    path = write_csv(tmp_path / "e.csv", GOOD[:30] + [GOOD[0]] + GOOD[30:60])
    with open(path, "a", encoding="utf-8", newline="") as handle:
        handle.write("TEST-9999,A1C,2025-Q1\r\n")  # too few columns

    extract = ingest(org, path)

    rejected = _rejected(extract)
    assert rejected[32] == ("patient_id", "duplicate patient x measure x period row")
    assert rejected[63][0] == "row" and "fewer columns" in rejected[63][1]
    assert next(r for r in extract.rejected_sample if r["row"] == 32)["value"] == (
        "duplicate of row 2"
    )


@pytest.mark.django_db
def test_first_50_on_the_page_all_in_the_csv_download(org, measures, tmp_path, member_client):
    org.reject_tolerance_percent = 50
    org.save()
    rows = GOOD[:100] + [row(f"TEST-{i}", num="x") for i in range(60)]
    extract = ingest(org, write_csv(tmp_path / "e.csv", rows))
    client = member_client(org, "analyst")

    page = client.get(reverse("data_hub:extract_detail", args=[org.slug, extract.pk]))
    download = client.get(reverse("data_hub:extract_rejects_csv", args=[org.slug, extract.pk]))

    assert len(extract.rejected_sample) == 50
    assert page.content.decode().count("numerator is not a non-negative whole number") == 50
    lines = download.content.decode().splitlines()
    assert lines[0] == "row,field,reason,value" and len(lines) == 61
    assert lines[1].startswith("102,numerator,")


@pytest.mark.django_db
def test_rejected_rows_csv_is_formula_safe_and_audited(org, measures, tmp_path, member_client):
    """The stored report keeps values as uploaded; the download defuses them (issue 15.9)."""
    org.reject_tolerance_percent = 50
    org.save()
    rows = GOOD[:20] + [row("TEST-X", num="=HYPERLINK(1)"), row("TEST-Y", num="－1")]
    extract = ingest(org, write_csv(tmp_path / "e.csv", rows))
    client = member_client(org, "analyst")

    download = client.get(reverse("data_hub:extract_rejects_csv", args=[org.slug, extract.pk]))

    values = [r["value"] for r in csv.DictReader(io.StringIO(download.content.decode()))]
    assert values == ["'=HYPERLINK(1)", "'－1"]
    event = AuditEvent.objects.get(organization=org, action="extract_rejects.export")
    assert event.object_id == str(extract.pk) and event.details["rows"] == 2


@pytest.mark.django_db
def test_over_tolerance_nothing_is_stored_and_the_extract_waits(org, measures, tmp_path, analyst):
    rows = GOOD[:95] + [row(f"TEST-{i}", period="never") for i in range(5)]  # 5% > 1%
    extract = ingest(org, write_csv(tmp_path / "e.csv", rows), actor=analyst)

    assert extract.status == Extract.Status.WAITING
    assert extract.job.status == Job.Status.WAITING
    assert "5 of 100 rows (5.0%) were rejected" in extract.job.message
    assert "tolerance of 1%" in extract.job.message
    assert not StratifiedCount.objects.filter(extract=extract).exists()

    services.extract_accept_rejections(extract=extract, actor=analyst)
    services.extract_process(job_id=extract.job_id)
    extract.refresh_from_db()

    assert extract.status == Extract.Status.PROCESSED
    assert counts(extract, "all")[("A1C", "2025-Q1", "All patients")][1] == 95


@pytest.mark.django_db
def test_waiting_extract_can_be_discarded(org, measures, tmp_path, analyst):
    rows = GOOD[:10] + [row("TEST-X", num="maybe")]
    extract = ingest(org, write_csv(tmp_path / "e.csv", rows), actor=analyst)

    services.extract_discard(extract=extract, actor=analyst)

    extract.refresh_from_db()
    assert extract.status == Extract.Status.DISCARDED and extract.raw_deleted_at


@pytest.mark.django_db
def test_undefined_measures_wait_for_the_analyst(org, measures, tmp_path, analyst):
    rows = [row("TEST-1"), row("TEST-2", measure="FLU-SHOT"), row("TEST-3", measure="Junk")]
    extract = ingest(org, write_csv(tmp_path / "e.csv", rows), actor=analyst)

    assert extract.status == Extract.Status.WAITING
    assert extract.undefined_measure_codes == ["FLU-SHOT", "Junk"]
    assert "FLU-SHOT, Junk" in extract.job.message

    services.extract_resolve_measures(
        extract=extract,
        define=[
            {
                "code": "FLU-SHOT",
                "name": "Flu shot",
                "direction": "higher_is_better",
                "category": "preventive_screening",
            }
        ],
        reject=["Junk"],
        actor=analyst,
    )
    services.extract_process(job_id=extract.job_id)
    extract.refresh_from_db()

    assert extract.status == Extract.Status.PROCESSED
    assert extract.rows_skipped == 1
    assert counts(extract, "all")[("FLU-SHOT", "2025-Q1", "All patients")] == (1, 1)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "The file is empty."),
        (b"   \n\n", "The file is empty."),
        (bytes(range(256)) * 20, "not a text (CSV/TSV) or Excel"),
        (b"just one column\nvalue\n", "no header row"),
        (b"1,2,3\n4,5,6\n", "holds data, not column names"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "password-protected"),
        (b"PK\x03\x04not really a zip", "could not be opened"),
    ],
)
def test_unreadable_files_get_one_clear_message(org, content, message, tmp_path):
    name = "extract.xlsx" if content[:2] in (b"PK", b"\xd0\xcf") else "x.csv"
    uploaded = SimpleUploadedFile(name, content)
    with pytest.raises(ValidationError) as error:
        services.extract_upload(organization=org, uploaded_file=uploaded, actor=None)

    assert message in " ".join(error.value.messages)
    # Every stored upload has an extract row and audit events; a file that can never be
    # processed is deleted at once (issue 15, item 6).
    extract = Extract.objects.get()
    assert extract.status == Extract.Status.FAILED and extract.raw_deleted_at is not None
    assert list(
        AuditEvent.objects.filter(object_id=str(extract.pk))
        .order_by("id")
        .values_list("action", flat=True)
    ) == ["extract.upload", "extract.unreadable"]
    assert not any(p.is_file() for p in (tmp_path / "private").rglob("*"))


@pytest.mark.django_db
def test_missing_required_column_is_one_message(org, measures, tmp_path):
    path = write_csv(
        tmp_path / "e.csv", [["TEST-1", "A1C", "1"]], headers=["MRN", "Measure", "Met"]
    )
    extract = upload_file(org, path)

    with pytest.raises(ValidationError) as error:
        services.extract_map_columns(
            extract=extract,
            config={
                "format": "long",
                "columns": {"MRN": "patient_id", "Measure": "measure", "Met": "numerator"},
            },
            actor=None,
        )

    assert error.value.messages == ["Required fields left unmatched: period."]


@pytest.mark.django_db
def test_upload_page_shows_the_message_not_a_traceback(
    org, member_client, django_capture_on_commit_callbacks
):
    client = member_client(org, "analyst")
    with django_capture_on_commit_callbacks(execute=True):  # the worker reads the file
        uploaded = client.post(
            reverse("data_hub:upload", args=[org.slug]),
            {"file": SimpleUploadedFile("x.csv", b"\x00\x01\x02" * 100)},
        )
    assert uploaded.status_code == 302
    response = client.get(uploaded.url, follow=True)  # the mapping page sends it to the report
    assert response.status_code == 200
    assert "not a text (CSV/TSV) or Excel" in response.content.decode()
    assert "Traceback" not in response.content.decode()
