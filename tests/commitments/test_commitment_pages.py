import csv
import datetime
import io

import pytest
from django.utils import timezone

from commitments.models import Commitment
from equity_portal.core.models import AuditEvent
from equity_portal.core.roles import Role

from .conftest import url
from .factories import CommitmentFactory

pytestmark = pytest.mark.django_db


def _form(owner, **extra):
    return {
        "statement": "Hold a staff listening session on racism at work",
        "owner": owner.pk,
        "due_date": "2031-03-01",
        "step": "commit",
        "charter_reference": "",
        **extra,
    }


def test_logging_a_commitment_redirects_to_it(member_client, org):
    client = member_client(org, Role.CHAMPION)
    response = client.post(url("commitment_create", org), _form(client.membership))

    commitment = Commitment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("commitment_detail", org, pk=commitment.pk)
    page = client.get(response["Location"])
    assert "Commitment logged." in page.content.decode()
    assert commitment.owner == client.membership


def test_posting_the_form_twice_logs_one_commitment(member_client, org):
    client = member_client(org, Role.CHAMPION)
    client.post(url("commitment_create", org), _form(client.membership))
    again = client.post(url("commitment_create", org), _form(client.membership))

    assert again.status_code == 400
    assert "already has a commitment with this statement" in again.content.decode()
    assert Commitment.objects.count() == 1


def test_owner_from_another_organization_is_not_a_choice(member_client, org, other_org):
    client = member_client(org, Role.CHAMPION)
    outsider = member_client(other_org, Role.CHAMPION).membership
    response = client.post(url("commitment_create", org), _form(outsider))
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not Commitment.objects.exists()


def test_status_change_through_the_page_shows_in_history(member_client, org):
    client = member_client(org, Role.ANALYST)
    commitment = CommitmentFactory(organization=org, owner=client.membership)
    response = client.post(
        url("commitment_status", org, pk=commitment.pk), {"status": "in_progress", "reason": ""}
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Status changed to in progress." in page
    assert "Planned → In progress" in page


def test_dropping_without_a_reason_explains_what_is_missing(member_client, org):
    client = member_client(org, Role.LEADER)
    commitment = CommitmentFactory(organization=org, owner=client.membership)
    response = client.post(
        url("commitment_status", org, pk=commitment.pk), {"status": "dropped", "reason": ""}
    )
    assert response.status_code == 400
    assert "Say why the commitment is dropped." in response.content.decode()
    commitment.refresh_from_db()
    assert commitment.status == "planned"


def test_repeating_a_status_change_adds_no_history(member_client, org):
    client = member_client(org, Role.CHAMPION)
    commitment = CommitmentFactory(organization=org, owner=client.membership)
    target = url("commitment_status", org, pk=commitment.pk)
    client.post(target, {"status": "done", "reason": ""})
    second = client.post(target, {"status": "done", "reason": ""}, follow=True)
    assert "already done" in second.content.decode()
    assert commitment.status_changes.count() == 2


def test_edit_keeps_status_and_saves_fields(member_client, org):
    client = member_client(org, Role.CHAMPION)
    commitment = CommitmentFactory(organization=org, owner=client.membership, status="done")
    response = client.post(
        url("commitment_edit", org, pk=commitment.pk),
        _form(client.membership, statement="Rewritten", step="vision"),
    )
    assert response.status_code == 302
    commitment.refresh_from_db()
    assert (commitment.statement, commitment.step, commitment.status) == (
        "Rewritten",
        "vision",
        "done",
    )


def test_filters_by_owner_status_step_and_overdue(member_client, make_member, org):
    client = member_client(org, Role.CHAMPION)
    other = make_member(org, Role.ANALYST)
    past = timezone.localdate() - datetime.timedelta(days=3)
    mine = CommitmentFactory(organization=org, owner=client.membership, statement="Mine")
    CommitmentFactory(organization=org, owner=other, statement="Theirs", step="data")
    CommitmentFactory(organization=org, owner=other, statement="Late", due_date=past)
    CommitmentFactory(organization=org, owner=other, statement="Finished", status="done")

    def statements(query):
        response = client.get(url("commitment_list", org), query)
        return {c.statement for c in response.context["page"].object_list}

    assert statements({"owner": client.membership.pk}) == {mine.statement}
    assert statements({"status": "done"}) == {"Finished"}
    assert statements({"step": "data"}) == {"Theirs"}
    assert statements({"overdue": "on"}) == {"Late"}
    assert statements({}) == {"Mine", "Theirs", "Late", "Finished"}


def test_overdue_rows_are_highlighted(member_client, org):
    client = member_client(org, Role.CHAMPION)
    CommitmentFactory(
        organization=org,
        owner=client.membership,
        due_date=timezone.localdate() - datetime.timedelta(days=1),
    )
    page = client.get(url("commitment_list", org)).content.decode()
    assert 'class="table-danger"' in page
    assert "Overdue" in page


def test_list_is_paginated(member_client, org):
    client = member_client(org, Role.CHAMPION)
    for _ in range(27):
        CommitmentFactory(organization=org, owner=client.membership)
    first = client.get(url("commitment_list", org))
    second = client.get(url("commitment_list", org), {"page": 2})
    assert len(first.context["page"].object_list) == 25
    assert len(second.context["page"].object_list) == 2


def test_csv_export_follows_the_filters_and_is_audited(member_client, org):
    client = member_client(org, Role.CHAMPION)
    CommitmentFactory(organization=org, owner=client.membership, statement="=HYPERLINK(x)")
    CommitmentFactory(organization=org, owner=client.membership, statement="Done", status="done")

    response = client.get(url("commitment_export", org), {"status": "planned"})

    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["id", "statement", "owner"]
    assert len(rows) == 2
    assert rows[1][1] == "'=HYPERLINK(x)"  # spreadsheet formulas are neutralized
    assert rows[1][5] == "Planned"
    event = AuditEvent.objects.get(action="commitment.export")
    assert event.actor == client.user
    assert event.details == {"filters": {"status": "planned"}, "rows": 1}


def test_detail_shows_linked_listening_themes(member_client, org):
    from .factories import ListeningThemeFactory

    client = member_client(org, Role.CHAMPION)
    commitment = CommitmentFactory(organization=org, owner=client.membership)
    theme = ListeningThemeFactory(session__organization=org, text="Interpreters are scarce")
    theme.commitments.add(commitment)
    page = client.get(url("commitment_detail", org, pk=commitment.pk)).content.decode()
    assert "Interpreters are scarce" in page
