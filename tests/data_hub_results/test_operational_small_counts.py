"""Issue 10 item 3: the extract list, the extract detail (validation report) and the
unmapped-values list show exact row counts only to roles that manage data; every other role
sees counts below k as "fewer than k", and cannot get them back by subtraction."""

import re

import pytest

from equity_portal.core.roles import ROLE_CAPABILITIES, Capability, Role

from .conftest import url
from .factories import ExtractFactory

pytestmark = pytest.mark.django_db

EXACT_ROLES = [r for r in Role if Capability.MANAGE_DATA in ROLE_CAPABILITIES[r]]
OTHER_ROLES = [r for r in Role if Capability.MANAGE_DATA not in ROLE_CAPABILITIES[r]]


@pytest.fixture
def small_extract(org):
    return ExtractFactory(
        organization=org,
        original_name="tiny.csv",
        rows_read=40,
        rows_accepted=37,
        rows_rejected=3,
        rejected_reasons={"period is missing": 2, "numerator is missing": 1},
        rejected_sample=[
            {"row": 7, "field": "period", "reason": "period is missing", "value": ""},
        ],
        unmapped_values={"race": {"Pacific Islnder": 4, "Whte": 25}},
    )


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.mark.parametrize("role", OTHER_ROLES, ids=str)
def test_other_roles_see_fewer_than_k(member_client, org, small_extract, role):
    client = member_client(org, role)
    detail = _text(client.get(url(org, "data_hub:extract_detail", pk=small_extract.pk)))
    assert "fewer than 11" in detail
    # The unmapped-values table: the rare spelling's row count is hidden, 25 (>= k) is shown.
    assert not re.search(r"Pacific Islnder”</td>\s*<td>\s*4\s*<", detail)
    assert re.search(r"Pacific Islnder”</td>\s*<td>\s*fewer than 11\s*<", detail)
    assert re.search(r"Whte”</td>\s*<td>\s*25\s*<", detail)
    assert "Pacific Islnder" in detail  # the value itself is still listed
    # Rejected 3 is hidden, and so is what it could be subtracted from.
    assert re.search(r"Rejected</dt>\s*<dd[^>]*>\s*fewer than 11", detail)
    assert not re.search(r"Rows read</dt>\s*<dd[^>]*>\s*40\b", detail) or not re.search(
        r"Accepted</dt>\s*<dd[^>]*>\s*37\b", detail
    )
    assert 'id="rejected-rows"' not in detail  # listing the rows would count them
    index = _text(client.get(url(org, "data_hub:index")))
    row = re.search(r"<tr>(?:(?!</tr>).)*tiny\.csv.*?</tr>", index).group(0)
    assert "fewer than 11" in row and not re.search(r">\s*3\s*<", row)
    quality = _text(client.get(url(org, "quality:report") + f"?extract={small_extract.pk}"))
    unmapped = re.search(r'id="unmapped-h".*?</section>', quality).group(0)
    assert "Pacific Islnder" in unmapped and not re.search(r">\s*4\s*<", unmapped)
    rejected = re.search(r'id="rejected-h".*?</section>', quality).group(0)
    assert not re.search(r">\s*[123]\s*<", rejected)
    assert "fewer than 11" in rejected


@pytest.mark.parametrize("role", EXACT_ROLES, ids=str)
def test_roles_that_manage_data_see_exact_counts(member_client, org, small_extract, role):
    client = member_client(org, role)
    detail = _text(client.get(url(org, "data_hub:extract_detail", pk=small_extract.pk)))
    assert re.search(r"Pacific Islnder”</td>\s*<td>\s*4\s*<", detail)
    assert re.search(r"Rejected</dt>\s*<dd[^>]*>\s*3\b", detail)
    assert 'id="rejected-rows"' in detail
    assert "fewer than" not in detail
    quality = _text(client.get(url(org, "quality:report") + f"?extract={small_extract.pk}"))
    assert re.search(r"Pacific Islnder</td>\s*<td[^>]*>\s*4\s*<", quality)
