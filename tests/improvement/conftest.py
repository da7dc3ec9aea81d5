import pytest
from django.urls import reverse

from .factories import screening_extract


def url(name: str, org, **kwargs) -> str:
    return reverse(f"improvement:{name}", kwargs={"org_slug": org.slug, **kwargs})


@pytest.fixture
def screening(org):
    return screening_extract(org)
