"""Improve draws its charts through the core's one chart mechanism (issue 11): the partial
`partials/chart.html` (figure, accessible table, CSV link) and `static/core/charts.js`; its own
partial and script are gone. Each chart's colours come from the palette."""

import json
import re
from datetime import date

import pytest
from django.contrib.staticfiles import finders
from django.template import TemplateDoesNotExist
from django.template.loader import get_template

from equity_portal.core import palette
from equity_portal.core.roles import Role

from .conftest import url
from .factories import BLACK, WHITE, CampaignFactory, PDSACycleFactory, make_goal

pytestmark = pytest.mark.django_db


def _sections(html: str) -> dict[str, str]:
    """{chart key: the chart partial's <section>} of a page."""
    return dict(re.findall(r'<section [^>]*data-chart="([\w-]+)">(.*?)</section>', html, re.S))


def _figure(html: str, key: str) -> dict:
    body = re.search(rf'<script id="chart-{key}-data" type="application/json">(.*?)</script>',
                     html, re.S)  # fmt: skip
    return json.loads(body.group(1))


def _colours(node) -> set[str]:
    found = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("color", "fillcolor", "bgcolor", "plot_bgcolor") and isinstance(value, str):
                found.add(value.upper())
            else:
                found |= _colours(value)
    elif isinstance(node, list):
        for value in node:
            found |= _colours(value)
    return found


def _assert_core_chart(html: str, key: str, csv_url: str) -> None:
    section = _sections(html)[key]
    assert f'data-figure="chart-{key}-data"' in section
    assert f'data-chart-table="{key}"' in section and "<caption>" in section
    assert f'href="{csv_url}" data-chart-csv="{key}"' in section
    head = section[section.index("<thead>") : section.index("</thead>")]
    assert '<th scope="col">Period</th>' in head and "_" not in head  # labels, never codes


def test_goal_page_draws_every_chart_with_the_core_partial(member_client, org, screening):
    client = member_client(org, Role.CHAMPION)
    goal = make_goal(org)
    campaign = CampaignFactory(organization=org)
    campaign.goals.add(goal)
    PDSACycleFactory(campaign=campaign, change_idea="Call in Spanish", start_date=date(2024, 8, 1))
    html = client.get(url("goal_detail", org, pk=goal.pk)).content.decode()
    csv_url = url("goal_chart_csv", org, pk=goal.pk)
    assert set(_sections(html)) == {"rates", "pchart", "gap"}
    for key in ("rates", "pchart", "gap"):
        _assert_core_chart(html, key, csv_url)
    assert "/static/core/charts.js" in html and "improvement/charts.js" not in html
    # The run chart's table holds both groups' rows, rates as percentages.
    rates = _sections(html)["rates"]
    assert f"<td>{BLACK}</td>" in rates and f"<td>{WHITE} (reference)</td>" in rates
    assert re.search(r"<td>\d+\.\d%</td>", rates)
    assert re.search(r"<td>[+-]\d+\.\d pp</td>", _sections(html)["gap"])


def test_goal_charts_take_their_colours_from_the_palette(member_client, org, screening):
    client = member_client(org, Role.CHAMPION)
    goal = make_goal(org)
    campaign = CampaignFactory(organization=org)
    campaign.goals.add(goal)
    PDSACycleFactory(campaign=campaign, start_date=date(2024, 8, 1))
    html = client.get(url("goal_detail", org, pk=goal.pk)).content.decode()
    expected = palette.group_colours([BLACK, WHITE])
    for key in ("rates", "pchart", "gap"):
        figure = _figure(html, key)
        assert _colours(figure) <= palette.ALL, key
    rates = {t["name"]: t["line"]["color"] for t in _figure(html, "rates")["data"]}
    assert rates[BLACK] == expected[BLACK]
    assert rates[f"{WHITE} (reference)"] == expected[WHITE]
    cycles = next(t for t in _figure(html, "gap")["data"] if t["name"] == "PDSA cycles")
    assert cycles["marker"]["color"] == palette.CYCLE


def test_campaign_summary_draws_its_charts_with_the_core_partial(member_client, org, screening):
    client = member_client(org, Role.LEADER)
    goal = make_goal(org)
    campaign = CampaignFactory(organization=org)
    campaign.goals.add(goal)
    html = client.get(url("campaign_summary", org, pk=campaign.pk)).content.decode()
    _assert_core_chart(html, f"gap-{goal.pk}", url("goal_chart_csv", org, pk=goal.pk))
    assert "/static/core/charts.js" in html


def test_improve_has_no_chart_mechanism_of_its_own():
    with pytest.raises(TemplateDoesNotExist):
        get_template("improvement/_chart.html")
    assert finders.find("improvement/charts.js") is None
    assert finders.find("core/charts.js") is not None
