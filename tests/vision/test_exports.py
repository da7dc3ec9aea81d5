"""goals.csv and `manage.py export_goals`: exactly the issue's columns, one row per goal, codes
as the results export writes them, rates as proportions at full precision, suppressed baselines
without numbers; every download audited. The other lists' CSVs go through the same helper."""

import csv
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from data_hub import api
from equity_portal.core.models import AuditEvent
from tests.vision.conftest import vurl
from tests.vision.factories import (
    BLACK,
    CharterFactory,
    PartnerFactory,
    TeamFactory,
    make_goal,
    make_priority,
)

pytestmark = pytest.mark.django_db

COLUMNS = (
    "charter,charter_status,goal,measure,dimension,group,reference_group,aim,"
    "baseline_period_start,baseline_period_label,baseline_extract,baseline_numerator,"
    "baseline_denominator,baseline_rate,baseline_rate_lower,baseline_rate_upper,"
    "baseline_reference_rate,baseline_difference,target_value,target_date"
)


@pytest.fixture
def goals(org, data):
    extract, _ = data
    charter = CharterFactory(organization=org, title="=Screening gap")
    shown = make_goal(charter, make_priority(org, BLACK), target_value=0.05, title="Halve it")
    # A goal on a group suppressed in 2025-Q2 (the priority's group changed in memory only).
    hidden_priority = make_priority(org, "Hispanic or Latino")
    hidden_priority.group = "American Indian or Alaska Native"
    hidden = make_goal(charter, hidden_priority, aim="rate", target_value=0.7, title="Small group")
    return extract, shown, hidden


def _rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def test_goals_csv_has_exactly_the_columns_and_the_published_numbers(org, goals, member_client):
    extract, shown, hidden = goals
    response = member_client(org, "champion").get(vurl(org, "goals_csv"))
    text = response.content.decode("utf-8")
    assert text.splitlines()[0] == COLUMNS
    rows = {r["goal"]: r for r in _rows(text)}
    row = rows["Halve it"]
    published = api.group_results(org, "screen", "race_ethnicity").row(BLACK)
    assert row["charter"] == "'=Screening gap"  # formula-safe
    assert (row["charter_status"], row["measure"], row["dimension"], row["group"]) == (
        "draft",
        "screen",
        "race_ethnicity",
        BLACK,
    )
    assert (row["reference_group"], row["aim"]) == ("White", "difference")
    assert (row["baseline_period_start"], row["baseline_period_label"]) == ("2025-04-01", "2025-Q2")
    assert row["baseline_extract"] == str(extract.pk)
    assert (row["baseline_numerator"], row["baseline_denominator"]) == ("110", "200")
    assert float(row["baseline_rate"]) == published.rate
    assert float(row["baseline_rate_lower"]) == published.rate_lower  # full precision
    assert float(row["baseline_rate_upper"]) == published.rate_upper
    assert float(row["baseline_reference_rate"]) == 0.75
    assert float(row["baseline_difference"]) == published.difference
    assert (row["target_value"], row["target_date"]) == ("0.05", "2027-12-31")

    small = rows["Small group"]
    assert small["aim"] == "rate" and small["baseline_period_label"] == "2025-Q2"
    for column in [*COLUMNS.split(",")[11:16], "baseline_difference"]:
        assert small[column] == "", column
    assert small["baseline_reference_rate"] == "0.75"  # the reference group is not suppressed
    assert AuditEvent.objects.filter(organization=org, action="vision_goals.export").count() == 1


def test_export_goals_command_writes_the_same_file(org, goals, member_client, tmp_path):
    out = tmp_path / "goals.csv"
    call_command("export_goals", "--org", org.slug, "--out", str(out), stdout=io.StringIO())
    web = member_client(org, "champion").get(vurl(org, "goals_csv")).content.decode("utf-8")
    assert _rows(out.read_text(encoding="utf-8")) == _rows(web)
    assert out.read_text(encoding="utf-8").splitlines()[0] == COLUMNS
    with pytest.raises(CommandError, match="No organization"):
        call_command("export_goals", "--org", "nope", "--out", str(out))


def test_goals_of_superseded_revisions_are_left_out(org, data, member_client):
    from tests.vision.factories import leader_of
    from vision import services

    charter = CharterFactory(organization=org)
    make_goal(charter, make_priority(org, BLACK))
    services.charter_submit(charter=charter, actor=None)
    services.charter_approve(charter=charter, actor=leader_of(org))
    revision = services.charter_revise(charter=charter, actor=None)
    services.charter_submit(charter=revision, actor=None)
    services.charter_approve(charter=revision, actor=leader_of(org))
    rows = _rows(member_client(org, "champion").get(vurl(org, "goals_csv")).content.decode())
    assert [r["charter_status"] for r in rows] == ["approved"]


@pytest.mark.parametrize(
    "name,header",
    [
        ("priority_list_csv", "measure,dimension,group,reference_group,status"),
        ("team_list_csv", "team,executive_sponsor,lead,active_members,charters"),
        ("charter_list_csv", "charter,revision,status,team,sponsor,lead,goals"),
        ("partner_list_csv", "partner,kind,contact,email,phone,charters"),
    ],
)
def test_list_csvs_are_audited_downloads(name, header, org, data, member_client):
    make_priority(org, BLACK)
    CharterFactory(organization=org, team=TeamFactory(organization=org))
    PartnerFactory(organization=org)
    response = member_client(org, "analyst").get(vurl(org, name))
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8")
    assert text.splitlines()[0].startswith(header)
    assert len(text.splitlines()) >= 2
    assert AuditEvent.objects.filter(organization=org, action__endswith=".export").exists()
