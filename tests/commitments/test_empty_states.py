import pytest

from commitments.models import Questionnaire
from equity_portal.core.roles import Role

from .conftest import url

pytestmark = pytest.mark.django_db


def test_landing_page_explains_what_to_do_first(member_client, org):
    client = member_client(org, Role.CHAMPION)
    page = client.get(url("index", org)).content.decode()
    assert page.count('class="empty-state"') == 4
    assert "Start the self-assessment" in page
    assert "Log a commitment" in page
    assert "Name a champion" in page
    assert "Record a session or survey" in page
    # Looking is not a write: no questionnaire is created by visiting.
    assert not Questionnaire.objects.exists()


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("assessment_list", "No completed self-assessment yet."),
        ("commitment_list", "No commitments yet."),
        ("champion_list", "No equity champions named yet."),
        ("listening_list", "No listening sessions or surveys recorded yet."),
    ],
)
def test_empty_lists_explain_themselves(member_client, org, name, text):
    client = member_client(org, Role.ANALYST)
    assert text in client.get(url(name, org)).content.decode()


def test_filtered_empty_list_offers_to_clear_the_filters(member_client, org):
    client = member_client(org, Role.CHAMPION)
    page = client.get(url("commitment_list", org), {"status": "done"}).content.decode()
    assert "No commitments match these filters." in page
