"""import_measures, ingest_extract, and the demo receiver."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django_scopes import scope

from data_hub.demo import seed_demo_data
from data_hub.models import Extract, Measure
from equity_portal.core.models import Job
from tests.data_hub.factories import row, write_csv
from tests.factories import OrganizationFactory


@pytest.mark.django_db
def test_import_measures_defines_and_updates(org, tmp_path):
    path = tmp_path / "measures.csv"
    path.write_text(
        "code,name,direction,category\n"
        "A1C,HbA1c control,higher_is_better,quality\n"
        "READMIT,Readmissions,lower_is_better,outcome\n"
    )
    out = io.StringIO()
    call_command("import_measures", "--org", org.slug, str(path), stdout=out)
    path.write_text("code,name,direction,category\nA1C,HbA1c < 8%,higher_is_better,quality\n")
    call_command("import_measures", "--org", org.slug, str(path), stdout=out)

    assert Measure.objects.get(organization=org, code="A1C").name == "HbA1c < 8%"
    assert Measure.objects.get(organization=org, code="READMIT").direction == "lower_is_better"
    assert "created: 2" in out.getvalue() and "updated: 1" in out.getvalue()


@pytest.mark.django_db
def test_import_measures_rejects_a_bad_direction(org, tmp_path):
    path = tmp_path / "m.csv"
    path.write_text("code,name,direction,category\nA1C,x,up,quality\n")
    with pytest.raises(CommandError, match="Row 2: direction “up” is not one of: Higher is"):
        call_command("import_measures", "--org", org.slug, str(path))


@pytest.mark.django_db
def test_import_measures_accepts_labels_in_any_case(org, tmp_path):
    path = tmp_path / "m.csv"
    path.write_text(
        "code,name,direction,category\n"
        "FLU,Flu vaccination,Higher is better,Preventive screening\n"
        "READMIT,Readmissions,LOWER IS BETTER,outcome\n"
        "BP,Blood pressure,higher_is_better,PREVENTIVE_SCREENING\n"
    )
    call_command("import_measures", "--org", org.slug, str(path), stdout=io.StringIO())

    got = {m.code: (m.direction, m.category) for m in Measure.objects.filter(organization=org)}
    assert got["FLU"] == ("higher_is_better", "preventive_screening")
    assert got["READMIT"] == ("lower_is_better", "outcome")
    assert got["BP"] == ("higher_is_better", "preventive_screening")


@pytest.mark.django_db
def test_import_measures_names_the_row_of_an_unknown_category(org, tmp_path):
    path = tmp_path / "m.csv"
    path.write_text(
        "code,name,direction,category\nA1C,x,Higher is better,quality\nB,y,higher,Screening\n"
    )
    with pytest.raises(CommandError, match="Row 3: direction “higher”"):
        call_command("import_measures", "--org", org.slug, str(path))
    path.write_text("code,name,direction,category\nB,y,Higher is better,Screening\n")
    with pytest.raises(CommandError, match="Row 2: category “Screening” is not one of"):
        call_command("import_measures", "--org", org.slug, str(path))
    assert not Measure.objects.filter(organization=org).exists()


@pytest.mark.django_db
def test_ingest_extract_sync_prints_counts_and_ends_with_the_extract(org, measures, tmp_path):
    path = write_csv(tmp_path / "e.csv", [row("TEST-1"), row("TEST-2", num="x")])
    org.reject_tolerance_percent = 60
    org.save()
    out = io.StringIO()

    call_command("ingest_extract", "--org", org.slug, "--sync", str(path), stdout=out)

    lines = out.getvalue().strip().splitlines()
    extract = Extract.objects.get(organization=org)
    assert lines[:5] == ["rows read: 2", "rows accepted: 1", "rows rejected: 1", "measures: 1",
                         "periods: 1"]  # fmt: off
    # One patient: every published cell is below k and hidden, and the audit says so.
    assert lines[5].startswith("small-cell protection: ") and "audit passed" in lines[5]
    assert lines[6:] == [f"extract: {extract.pk}"]


@pytest.mark.django_db
def test_ingest_extract_with_a_mapping_file(org, measures, tmp_path):
    headers = ["Who", "What", "When", "Score"]
    path = write_csv(tmp_path / "e.csv", [["TEST-1", "A1C", "2025-Q1", "1"]], headers=headers)
    mapping = tmp_path / "mapping.json"
    mapping.write_text('{"format": "long", "columns": {"Who": "patient_id", "What": "measure",'
                       ' "When": "period", "Score": "numerator"}}')  # fmt: off
    out = io.StringIO()
    call_command("ingest_extract", "--org", org.slug, "--mapping", str(mapping), "--sync",
                 str(path), stdout=out)  # fmt: off
    assert out.getvalue().strip().splitlines()[-1].startswith("extract: ")


@pytest.mark.django_db
def test_ingest_extract_lists_unmatched_required_fields(org, measures, tmp_path):
    path = write_csv(tmp_path / "e.csv", [["TEST-1", "1"]], headers=["MRN", "Met"])
    with pytest.raises(CommandError) as error:
        call_command("ingest_extract", "--org", org.slug, "--sync", str(path))
    assert str(error.value) == "Required fields left unmatched: measure, period."


@pytest.mark.django_db
def test_ingest_extract_lists_undefined_measures(org, measures, tmp_path):
    path = write_csv(tmp_path / "e.csv", [row("TEST-1", measure="NOPE")])
    with pytest.raises(CommandError, match="not defined: NOPE"):
        call_command("ingest_extract", "--org", org.slug, "--sync", str(path))


def test_ingest_extract_failure_is_one_line_without_traceback(tmp_path):
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "manage.py", "ingest_extract", "--org", "no-such-org", "--sync",
         str(tmp_path / "missing.csv")],
        capture_output=True, text=True, cwd=str(__import__("pathlib").Path(__file__).parents[2]),
    )  # fmt: off
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stderr.startswith("CommandError: ")


@pytest.mark.django_db
def test_demo_receiver_seeds_measures_and_a_queued_extract_once(django_capture_on_commit_callbacks):
    demo = OrganizationFactory(slug="demo", name="Demo Health System")
    other = OrganizationFactory(slug="riverside")
    with scope(organization=other):
        seed_demo_data(sender=None, organization=other, users={})
    assert not Extract.objects.filter(organization=other).exists()

    with scope(organization=demo), django_capture_on_commit_callbacks(execute=True):
        seed_demo_data(sender=None, organization=demo, users={})
        seed_demo_data(sender=None, organization=demo, users={})

    extract = Extract.objects.get(organization=demo)
    assert Measure.objects.filter(organization=demo).count() >= 4
    assert extract.job.status == Job.Status.SUCCEEDED  # eager Celery ran it on commit
    assert extract.measures_count >= 4 and extract.periods_count == 8
    race = set(extract.counts.filter(dimension="race").values_list("group", flat=True))
    assert {"Black or African American", "Native Hawaiian or Pacific Islander"} <= race
