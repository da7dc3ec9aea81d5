"""The goal page from the data hub's series: the headline verdict, the chart CSV with exactly
the issue's columns, PDSA annotations, rebaselines, flags and responses."""

import csv
import io
import json
import math
import re
from datetime import date

import pytest
from django.utils.html import escape

from data_hub import api
from equity_portal.core.models import AuditEvent
from equity_portal.core.roles import Role
from equity_stats import p_chart
from improvement.models import GoalResponse, Rebaseline

from .conftest import url
from .factories import (
    BASELINE_INDEX,
    BLACK,
    BLACK_SCREENED,
    QUARTERS,
    WHITE,
    CampaignFactory,
    PDSACycleFactory,
    make_goal,
    screening_extract,
)

pytestmark = pytest.mark.django_db

HEADER = (
    "goal,series,period_start,period_label,phase,numerator,denominator,value,value_lower,"
    "value_upper,suppressed,median,longest_run,longest_run_limit,crossings,crossings_limit,"
    "run_signal,centre,lower_limit,upper_limit,outside_limits"
)


def _csv(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def _figures(html: str) -> dict:
    return {
        key: json.loads(body)
        for key, body in re.findall(
            r'<script id="chart-([\w-]+)-data" type="application/json">(.*?)</script>', html, re.S
        )
    }


def test_goal_page_headline_progress_and_annotations(member_client, org, screening):
    client = member_client(org, Role.CHAMPION)
    goal = make_goal(org, owner=client.membership)
    campaign = CampaignFactory(organization=org)
    campaign.goals.add(goal)
    PDSACycleFactory(
        campaign=campaign, change_idea="Screen at check-in", start_date=date(2024, 8, 1)
    )
    html = client.get(url("goal_detail", org, pk=goal.pk)).content.decode()
    assert "Is the gap closing?" in html and "Narrowing" in html
    assert "95% CI" in html and "MOVER" in html and "independent" in html
    assert "of the way" in html and "Variation: improving" in html
    figures = _figures(html)
    assert set(figures) == {"rates", "pchart", "gap"}
    for figure in figures.values():
        cycles = [t for t in figure["data"] if t.get("name") == "PDSA cycles"]
        assert cycles and "Screen at check-in" in cycles[0]["hovertext"][0]
        assert cycles[0]["x"] == ["2024-08-01"]
    event = AuditEvent.objects.get(action="goal_chart.view")
    assert event.object_id == str(goal.pk) and event.details["page"] == "goal"
    # back along the thread: explorer view of the measure
    assert api.explorer_url(org, "screen", "race_ethnicity", BLACK).replace("&", "&amp;") in html


def test_chart_csv_has_exactly_the_issue_columns_and_semantics(member_client, org, screening):
    client = member_client(org, Role.ANALYST)
    goal = make_goal(org)
    response = client.get(url("goal_chart_csv", org, pk=goal.pk))
    assert response.content.decode().splitlines()[0] == HEADER
    rows = _csv(response)
    assert len(rows) == 3 * 12
    assert [r["series"] for r in rows] == ["focus"] * 12 + ["reference"] * 12 + ["gap"] * 12
    focus = rows[:12]
    assert [r["phase"] for r in focus] == ["baseline"] * 6 + ["follow-up"] * 6
    assert {r["goal"] for r in rows} == {str(goal.pk)}
    assert focus[0]["period_start"] == "2023-01-01" and focus[0]["period_label"] == "2023-Q1"
    # p-chart from the six baseline quarters, equal to equity_stats'
    chart = p_chart(BLACK_SCREENED, [200] * 12, baseline=6)
    for i, r in enumerate(focus):
        assert float(r["value"]) == BLACK_SCREENED[i] / 200
        assert float(r["centre"]) == pytest.approx(chart.centre, abs=1e-15)
        assert float(r["upper_limit"]) == pytest.approx(chart.upper[i], abs=1e-15)
        assert r["outside_limits"] == ("true" if chart.outside[i] else "false")
        assert r["suppressed"] == "false" and r["run_signal"] in ("true", "false")
    gap = rows[24:]
    for r in gap:
        assert r["centre"] == r["lower_limit"] == r["upper_limit"] == r["outside_limits"] == ""
        assert r["numerator"] == r["denominator"] == ""
    series = api.measure_series(org, "screen", "race_ethnicity", BLACK, WHITE)
    assert [float(r["value"]) for r in gap] == [p.difference for p in series.points]
    assert repr(series.points[0].difference) == gap[0]["value"]  # full precision
    assert AuditEvent.objects.filter(action="goal_chart.export").exists()


def test_suppressed_points_leave_no_numbers_in_the_csv(member_client, org):
    black = list(BLACK_SCREENED)
    black[8] = 195  # 5 not screened: the complement is small, the cell is suppressed
    screening_extract(org, black=black)
    goal = make_goal(org)
    client = member_client(org, Role.CHAMPION)
    rows = _csv(client.get(url("goal_chart_csv", org, pk=goal.pk)))
    for r in (rows[8], rows[24 + 8]):
        assert r["suppressed"] == "true"
        assert r["numerator"] == r["denominator"] == r["value"] == r["value_lower"] == ""
    assert rows[8]["upper_limit"] == rows[8]["outside_limits"] == ""
    html = client.get(url("goal_detail", org, pk=goal.pk)).content.decode()
    assert "195" not in html


def test_short_baseline_uses_all_points_and_says_so(member_client, org, screening):
    goal = make_goal(org, baseline_period=QUARTERS[2])
    client = member_client(org, Role.CHAMPION)
    html = client.get(url("goal_detail", org, pk=goal.pk)).content.decode()
    assert "from all 12 periods: the baseline phase has fewer than 6" in html
    rows = _csv(client.get(url("goal_chart_csv", org, pk=goal.pk)))
    assert float(rows[0]["centre"]) == pytest.approx(sum(BLACK_SCREENED) / 2400)


def test_rebaseline_is_a_recorded_person_action(member_client, org, screening):
    client = member_client(org, Role.CHAMPION)
    goal = make_goal(org)
    missing_reason = client.post(
        url("goal_rebaseline", org, pk=goal.pk), {"period_start": QUARTERS[9].isoformat()}
    )
    assert missing_reason.status_code == 302 and not Rebaseline.objects.exists()
    before_baseline = client.post(
        url("goal_rebaseline", org, pk=goal.pk),
        {"period_start": QUARTERS[2].isoformat(), "reason": "x"},
    )
    assert before_baseline.status_code == 302 and not Rebaseline.objects.exists()
    client.post(
        url("goal_rebaseline", org, pk=goal.pk),
        {"period_start": QUARTERS[9].isoformat(), "reason": "Check-in screening adopted"},
    )
    rebaseline = Rebaseline.objects.get()
    assert rebaseline.recorded_by == client.user
    assert AuditEvent.objects.filter(action="rebaseline.create").exists()
    phases = [r["phase"] for r in _csv(client.get(url("goal_chart_csv", org, pk=goal.pk)))[:12]]
    assert phases == ["baseline"] * 6 + ["follow-up"] * 3 + ["phase-2"] * 3


def test_not_met_flag_asks_the_owner_and_a_response_answers_it(member_client, make_member, org):
    screening_extract(org)
    owner = make_member(org, Role.LEADER)
    # Target: close the gap to 2 points by the end of 2024: past, and not met.
    goal = make_goal(org, target_value=0.02, target_date=date(2024, 12, 31), owner=owner)
    campaign = CampaignFactory(organization=org)
    campaign.goals.add(goal)
    client = member_client(org, Role.CHAMPION)
    html = client.get(url("goal_detail", org, pk=goal.pk)).content.decode()
    assert "Goal not met by the target date." in html
    assert f"{escape(owner.user.display_name)}, as the goal's owner, please" in html
    detail = client.get(url("campaign_detail", org, pk=campaign.pk)).content.decode()
    assert "not met by the target date" in detail and "respond on the goal" in detail

    nothing = client.post(url("goal_respond", org, pk=goal.pk), {"reason": "not_met"})
    assert nothing.status_code == 302 and not GoalResponse.objects.exists()
    client.post(
        url("goal_respond", org, pk=goal.pk),
        {
            "reason": "not_met",
            "action": "Add evening screening clinics",
            "action_date": "2026-02-01",
        },
    )
    response = GoalResponse.objects.get()
    assert response.period_start == QUARTERS[-1] and response.recorded_by == client.user
    assert AuditEvent.objects.get(action="goal_response.create").details["reason"] == "not_met"
    html = client.get(url("goal_detail", org, pk=goal.pk)).content.decode()
    assert "Response recorded by" in html and "Add evening screening clinics" in html
    assert "respond with a new PDSA cycle" not in html


def test_response_by_a_new_pdsa_cycle(member_client, org, screening):
    goal = make_goal(org, target_value=0.02, target_date=date(2024, 12, 31))
    campaign = CampaignFactory(organization=org)
    campaign.goals.add(goal)
    cycle = PDSACycleFactory(campaign=campaign)
    other_cycle = PDSACycleFactory(campaign=CampaignFactory(organization=org))
    client = member_client(org, Role.ANALYST)
    respond = url("goal_respond", org, pk=goal.pk)
    client.post(respond, {"reason": "not_met", "cycle": other_cycle.pk})
    assert not GoalResponse.objects.exists()  # a cycle of a campaign on another goal
    client.post(respond, {"reason": "not_met", "cycle": cycle.pk})
    assert GoalResponse.objects.get().cycle == cycle
    # no open flag of that kind: nothing recorded
    client.post(
        url("goal_respond", org, pk=goal.pk), {"reason": "not_sustained", "cycle": cycle.pk}
    )
    assert GoalResponse.objects.count() == 1


def test_not_sustained_flag(member_client, org):
    # Met (gap <= 10 points) from quarter 7, then Black screening collapses below the limits.
    black = BLACK_SCREENED[:9] + [130, 100, 60]
    screening_extract(org, black=black)
    goal = make_goal(org, target_value=0.10, target_date=date(2027, 1, 1))
    client = member_client(org, Role.CHAMPION)
    html = client.get(url("goal_detail", org, pk=goal.pk)).content.decode()
    assert "Goal not sustained." in html
    assert not math.isnan(goal.baseline_difference)


def test_summary_page_is_one_printable_page(member_client, org, screening):
    client = member_client(org, Role.CHAMPION)
    goal = make_goal(org)
    campaign = CampaignFactory(
        organization=org, aim="Screen 70% of Black patients", lessons="Start at the front desk."
    )
    campaign.goals.add(goal)
    PDSACycleFactory(campaign=campaign, change_idea="Screen at check-in", decision="adopt")
    html = client.get(url("campaign_summary", org, pk=campaign.pk)).content.decode()
    for text in (
        "Screen 70% of Black patients",
        "Screen at check-in",
        "adopt",
        "Narrowing",
        "95% CI",
        "Start at the front desk.",
        "@media print",
    ):
        assert text in html, text
    assert len(_figures(html)) == 1
    assert BASELINE_INDEX == 5


def test_goal_list_csv_and_cycles_csv(member_client, org, screening):
    client = member_client(org, Role.LEADER)
    goal = make_goal(org)
    campaign = CampaignFactory(organization=org)
    campaign.goals.add(goal)
    PDSACycleFactory(
        campaign=campaign, number=1, change_idea="=Screen at check-in", decision="adopt"
    )
    rows = _csv(client.get(url("goal_list_csv", org)))
    assert len(rows) == 1
    row = rows[0]
    assert row["goal"] == str(goal.pk) and row["verdict"] == "narrowing"
    assert float(row["gap_change_upper"]) < 0 and row["on_track"] in ("true", "false")
    assert row["not_met"] == "false" and row["latest_period_label"] == "2025-Q4"
    cycles = _csv(client.get(url("campaign_cycles_csv", org, pk=campaign.pk)))
    assert cycles[0]["number"] == "1" and cycles[0]["change_idea"] == "'=Screen at check-in"
    assert cycles[0]["decision"] == "adopt"
    assert AuditEvent.objects.filter(action="pdsa_cycle.export").exists()
    assert AuditEvent.objects.filter(action="improvement_goal.export").exists()
