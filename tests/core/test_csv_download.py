import csv
import io

import pytest
from django.test import RequestFactory
from django.urls import reverse

from equity_portal.core.exports import csv_download, safe_csv_cell
from equity_portal.core.models import AuditEvent
from equity_portal.core.roles import Role

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("text", ["=HYPERLINK(1)", "+1", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_formula_like_text_is_defused(text):
    assert safe_csv_cell(text) == "'" + text


def test_numbers_and_plain_text_pass_unchanged():
    assert safe_csv_cell(-3) == -3
    assert safe_csv_cell("Asian") == "Asian"
    assert safe_csv_cell(None) == ""


def test_csv_download_writes_rows_and_records_one_export_event(org, make_member):
    member = make_member(org, Role.CHAMPION)
    request = RequestFactory().get("/")
    request.organization = org
    request.user = member.user

    response = csv_download(
        request,
        what="thing",
        header=["a", "b"],
        rows=iter([["=bad", 1], ["ok", 2]]),
        filters={"q": "x", "empty": ""},
    )

    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows == [["a", "b"], ["'=bad", "1"], ["ok", "2"]]
    assert response["Content-Disposition"] == f'attachment; filename="thing-{org.slug}.csv"'
    event = AuditEvent.objects.get(organization=org, action="thing.export")
    assert event.actor == member.user
    assert event.details == {"filters": {"q": "x"}, "rows": 2}


@pytest.mark.parametrize(
    "url_name",
    ["learning:resource_list_csv", "learning:glossary_csv", "commitments:commitment_export"],
)
def test_step_exports_are_audited(org, member_client, url_name):
    client = member_client(org, Role.CHAMPION)
    response = client.get(reverse(url_name, kwargs={"org_slug": org.slug}))
    assert response.status_code == 200
    assert AuditEvent.objects.filter(organization=org, action__endswith=".export").count() == 1
