"""Steps 4 and 5 on the overview and in the board report: the priority measures table (one row
per goal of an approved charter, Improve's numbers), charters and campaigns, what needs the
viewer (approvals, responses owed, flagged goals), and the report's priority charts whose
numbers are the data hub's published ones, with no suppressed number."""

import io
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from data_hub import api
from equity_portal.core.roles import Role
from overview import steps45
from tests.improvement.factories import (
    BLACK,
    BLACK_SCREENED,
    WHITE,
    CampaignFactory,
    CharterFactory,
    PDSACycleFactory,
    make_goal,
    screening_extract,
)
from vision.models import ReviewStatus

pytestmark = pytest.mark.django_db


def _url(org, name, **kwargs):
    return reverse(f"overview:{name}", kwargs={"org_slug": org.slug, **kwargs})


def _pct(value):
    return f"{100 * value:.1f}%"


def _pp(value):
    return f"{100 * value:+.1f} pp"


@pytest.fixture
def goal(org, make_member):
    screening_extract(org)
    owner = make_member(org, Role.CHAMPION)
    return make_goal(org, owner=owner)


def test_priority_row_shows_the_published_numbers(member_client, org, goal):
    latest = api.measure_series(org, "screen", "race_ethnicity", BLACK, WHITE).points[-1]
    html = member_client(org, Role.LEADER).get(_url(org, "index")).content.decode()
    row = html[html.index(f'data-goal="{goal.pk}"') :]
    row = row[: row.index("</tr>")]
    assert _pct(latest.rate) in row and _pct(latest.rate_lower) in row
    assert _pp(latest.difference) in row and _pp(latest.difference_upper) in row
    assert "Variation:" in row and "Assurance:" in row
    assert "Narrowing" in row  # Black screening climbs from 50% to 70% against White's 75%
    assert reverse("improvement:goal_detail", kwargs={"org_slug": org.slug, "pk": goal.pk}) in row
    assert "<polyline" in row


def test_vision_and_improve_panels_count_their_records(member_client, org, goal):
    CharterFactory(organization=org, status=ReviewStatus.SUBMITTED, title="Waiting charter")
    campaign = CampaignFactory(organization=org)
    campaign.goals.add(goal)
    PDSACycleFactory(campaign=campaign, start_date=steps45.quarter_start(date.today()))
    PDSACycleFactory(campaign=campaign, start_date=date(2024, 8, 1))
    leader = member_client(org, Role.LEADER)
    html = leader.get(_url(org, "index")).content.decode()
    assert "Charters: 1 submitted for approval, 1 approved" in html
    assert '<strong class="fs-4">1</strong> open campaign' in html
    assert "1 PDSA cycle started this quarter" in html
    assert "Waiting charter: waiting for your approval" in html
    champion = member_client(org, Role.CHAMPION)
    assert "waiting for your approval" not in champion.get(_url(org, "index")).content.decode()


def test_a_goal_not_met_asks_its_owner_for_a_response(client, member_client, org, make_member):
    screening_extract(org)
    owner = make_member(org, Role.CHAMPION)
    make_goal(org, owner=owner, aim="rate", target_value=0.95, target_date=date(2024, 1, 1))
    client.force_login(owner.user)
    html = client.get(_url(org, "index")).content.decode()
    assert ">Response owed<" in html and "not met by the target date" in html
    leader_html = member_client(org, Role.LEADER).get(_url(org, "index")).content.decode()
    assert ">Goal flagged<" in leader_html


def test_goals_beyond_the_cap_add_no_queries(member_client, org):
    screening_extract(org)
    client = member_client(org, Role.LEADER)
    charter = CharterFactory(organization=org)
    for _ in range(steps45.MAX_PRIORITY_GOALS):
        make_goal(org, charter=charter)
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(_url(org, "index")).status_code == 200
        counts.append(len(captured))
        make_goal(org, charter=charter)
        make_goal(org, charter=charter)
    assert counts[0] == counts[1]


def test_board_report_priority_numbers_equal_the_published_ones(member_client, org):
    # One quarter of Black patients below k: suppressed everywhere it leaves the server.
    black = list(BLACK_SCREENED)
    black[8] = 5
    from tests.improvement import factories

    factories.screening_extract(org, black=black)
    goal = make_goal(org)
    series = api.measure_series(org, "screen", "race_ethnicity", BLACK, WHITE)
    hidden = series.points[8]
    assert hidden.suppressed and hidden.rate is None
    response = member_client(org, Role.LEADER).get(_url(org, "report_pdf"))
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert goal.title in text
    latest = series.points[-1]
    assert _pct(latest.rate) in text and _pct(latest.reference_rate) in text
    assert _pp(latest.difference) in text
    for point in series.points:
        if not point.suppressed:
            assert _pct(point.rate) in text
    # The suppressed quarter shows as suppressed; its rate (5 of 200) appears nowhere.
    assert f"{hidden.period_label} suppressed" in text.replace("\n", " ")
    assert _pct(5 / 200) not in text
    assert "Narrowing" in text or "No detectable change" in text or "Widening" in text
    assert "Source:" in text  # provenance under the chart


def test_vision_and_improve_records_are_accreditation_evidence(org, goal):
    from overview.selectors import evidence_pack

    def status():
        return {e.requirement.code: e.status for e in evidence_pack(org)}

    assert status()["TJC-HE-4"] == "met"  # the approved charter with its goal
    assert status()["CMS-HCHE-4"] == "partly"  # no PDSA cycle yet
    campaign = CampaignFactory(organization=org)
    campaign.goals.add(goal)
    PDSACycleFactory(campaign=campaign)
    assert status()["CMS-HCHE-4"] == "met"
    assert status()["TJC-HE-5"] == "none"  # no goal flagged, so no action recorded yet


def test_printable_report_draws_each_priority_chart_with_its_table(member_client, org, goal):
    html = member_client(org, Role.LEADER).get(_url(org, "report")).content.decode()
    assert goal.title in html
    assert html.count("<svg") >= 1 and "<polyline" in html  # the chart, drawn as SVG
    assert "Source: " in html  # provenance under every chart
    latest = api.measure_series(org, "screen", "race_ethnicity", BLACK, WHITE).points[-1]
    assert _pct(latest.rate) in html
