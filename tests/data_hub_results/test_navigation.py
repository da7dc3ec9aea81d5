"""The data hub's pages lead to each other: a processed extract to its results, quality and
export; every data hub page carries the same tabs."""

import pytest
from django.urls import reverse

from equity_portal.core.roles import Role
from tests.data_hub_results.factories import fixture_extract

pytestmark = pytest.mark.django_db


def test_processed_extract_links_to_its_results_quality_and_export(org, member_client):
    extract, _measures = fixture_extract(org)
    client = member_client(org, Role.LEADER)

    page = client.get(
        reverse("data_hub:extract_detail", kwargs={"org_slug": org.slug, "pk": extract.pk})
    ).content.decode()

    for name, kwargs in [
        ("results:explorer", {}),
        ("results:disparities", {}),
        ("quality:report", {}),
        ("results:export", {"what": "results", "file_format": "csv"}),
    ]:
        url = reverse(name, kwargs={"org_slug": org.slug, **kwargs})
        assert f'href="{url}?extract={extract.pk}"' in page


@pytest.mark.parametrize(
    "url_name", ["data_hub:index", "results:explorer", "quality:report", "community:index"]
)
def test_every_data_hub_page_has_the_same_tabs(org, member_client, url_name):
    fixture_extract(org)
    client = member_client(org, Role.ANALYST)

    page = client.get(reverse(url_name, kwargs={"org_slug": org.slug})).content.decode()

    for tab in ["Extracts", "Upload", "Results", "Disparities", "Data quality", "Community data"]:
        assert f">{tab}</a>" in page
