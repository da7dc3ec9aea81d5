"""Results views and exports are audited (no counts in details); another organization's
extract or measure is a 404; community data editing needs MANAGE_DATA."""

import pytest

from data_hub.community.models import CommunityIndicator
from equity_portal.core.models import AuditEvent
from equity_portal.core.roles import Role

from .conftest import url
from .factories import CommunityIndicatorFactory, fixture_extract

pytestmark = pytest.mark.django_db


def test_each_results_page_view_is_audited_with_measure_and_dimension(
    org, analyst, extract_and_measures
):
    extract, _ = extract_and_measures
    analyst.get(url(org, "results:explorer") + "?measure=readmit&dimension=language")
    analyst.get(url(org, "results:disparities"))
    events = list(
        AuditEvent.objects.filter(organization=org, action__startswith="results.view").order_by(
            "pk"
        )
    )
    assert [e.action for e in events] == ["results.view_explorer", "results.view_disparities"]
    explorer = events[0]
    assert explorer.actor == analyst.user
    assert explorer.object_id == str(extract.pk)
    assert explorer.details == {
        "measure": "readmit",
        "dimension": "language",
        "period": "2025-04-01",
    }


@pytest.mark.parametrize("what", ["results", "summary", "quality"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_every_export_is_audited(org, analyst, extract_and_measures, what, fmt):
    response = analyst.get(url(org, "results:export", what=what, file_format=fmt))
    assert response.status_code == 200
    event = AuditEvent.objects.get(organization=org, action="results.export")
    assert event.actor == analyst.user
    assert event.details["what"] == what and event.details["format"] == fmt
    assert set(event.details) == {"what", "format", "filename"}


def test_chart_downloads_are_audited(org, analyst, extract_and_measures):
    analyst.get(url(org, "results:chart_csv", chart="rates"))
    assert AuditEvent.objects.filter(
        organization=org, action="results.export", details__what="chart_rates"
    ).exists()


@pytest.mark.parametrize(
    "path",
    [
        ("results:explorer", {}, "?extract={other}"),
        ("results:explorer", {}, "?measure=other_only"),
        ("results:disparities", {}, "?extract={other}"),
        ("quality:report", {}, "?extract={other}"),
        ("results:export", {"what": "results", "file_format": "csv"}, "?extract={other}"),
        ("results:chart_csv", {"chart": "rates"}, "?extract={other}"),
        ("quality:trend_csv", {}, "?extract={other}"),
        ("results:explorer", {}, "?extract=notanumber"),
    ],
)
def test_another_organizations_extract_or_measure_is_404(
    org, other_org, analyst, extract_and_measures, path
):
    other_extract, _ = fixture_extract(other_org, measures=1)
    from .factories import MeasureFactory

    MeasureFactory(organization=other_org, code="other_only")
    name, kwargs, query = path
    response = analyst.get(url(org, name, **kwargs) + query.format(other=other_extract.pk))
    assert response.status_code == 404


@pytest.mark.parametrize("role", [Role.CHAMPION, Role.LEADER])
def test_community_editing_is_forbidden_for_champion_and_leader(org, member_client, role):
    client = member_client(org, role)
    mine = CommunityIndicatorFactory(organization=org)
    assert client.get(url(org, "community:index")).status_code == 200
    assert client.get(url(org, "community:create")).status_code == 403
    assert client.post(url(org, "community:create"), {"indicator": "x"}).status_code == 403
    assert client.get(url(org, "community:upload")).status_code == 403
    assert client.post(url(org, "community:delete", pk=mine.pk)).status_code == 403
    assert CommunityIndicator.objects.filter(pk=mine.pk).exists()
    assert "Add an indicator" not in client.get(url(org, "community:index")).content.decode()
    # Reading results is for everyone.
    assert client.get(url(org, "results:explorer")).status_code == 200


def test_provenance_on_the_page_the_charts_and_the_files(org, analyst, extract_and_measures):
    from .helpers import chart_payloads

    extract, _ = extract_and_measures
    html = analyst.get(url(org, "results:explorer")).content.decode()
    assert f'data-prov="extract">{extract.pk}<' in html
    assert 'data-prov="mapping">Epic quality export<' in html
    assert 'data-prov="value_map_version">3<' in html
    assert 'data-prov="method_version">stats-2<' in html
    for figure in chart_payloads(html):
        assert f"extract_id={extract.pk}" in figure["layout"]["meta"]["provenance"]
    response = analyst.get(url(org, "results:export", what="results", file_format="csv"))
    assert "value_map_version=3" in response["X-Provenance"]
    assert response["Content-Disposition"].endswith(f'results-extract-{extract.pk}-stats-2.csv"')
