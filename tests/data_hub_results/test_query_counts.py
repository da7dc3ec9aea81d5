"""Every data hub page issues the same number of queries with 1 and with 10 measures."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from .conftest import url
from .factories import CommunityIndicatorFactory, fixture_extract
from .test_quality_report import make_quality_counts

pytestmark = pytest.mark.django_db

PAGES = [
    ("data_hub:index", {}, ""),
    ("data_hub:upload", {}, ""),
    ("data_hub:extract_detail", {"pk": "extract"}, ""),
    ("data_hub:measures", {}, ""),
    ("data_hub:value_maps", {}, ""),
    ("data_hub:mappings", {}, ""),
    ("results:explorer", {}, ""),
    ("results:explorer", {}, "?dimension=race_ethnicity+x+language"),
    ("results:explorer", {}, "?dimension=race_ethnicity+x+language&rule=pooled"),
    ("results:explorer", {}, "?measure=screen&period=2025-01-01&rule=best"),
    ("results:disparities", {}, ""),
    ("results:disparities", {}, "?sort=excess&rule=pooled"),
    ("quality:report", {}, ""),
    ("community:index", {}, ""),
    ("results:export", {"what": "results", "file_format": "csv"}, ""),
    ("results:export", {"what": "summary", "file_format": "xlsx"}, ""),
    ("results:export", {"what": "quality", "file_format": "csv"}, ""),
    ("results:chart_csv", {"chart": "trend"}, ""),
    ("results:chart_csv", {"chart": "heatmap"}, "?dimension=race_ethnicity+x+language"),
    ("quality:trend_csv", {}, ""),
    ("community:export_csv", {}, ""),
]


def _count(client, path) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(queries)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p[0] + p[2])
def test_same_query_count_with_1_and_10_measures(org, other_org, member_client, page):
    name, kwargs, query = page
    counts = []
    for organization, measures in ((org, 1), (other_org, 10)):
        extract, created = fixture_extract(organization, measures=measures)
        make_quality_counts(organization, extract)
        for measure in created:
            CommunityIndicatorFactory(organization=organization, measure=measure)
        client = member_client(organization, "analyst")
        args = {k: extract.pk if v == "extract" else v for k, v in kwargs.items()}
        path = url(organization, name, **args) + query
        _count(client, path)  # warm the session and caches
        counts.append(_count(client, path))
    assert counts[0] == counts[1]
    assert counts[0] <= 15
