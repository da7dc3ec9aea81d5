import pytest
from django.urls import reverse

from tests.data_hub_results.factories import fixture_extract


@pytest.fixture
def data(org):
    """A processed extract of `org` with published results (two measures, two quarters)."""
    return fixture_extract(org, measures=2)


def vurl(org, name, **kwargs):
    return reverse(f"vision:{name}", kwargs={"org_slug": org.slug, **kwargs})
