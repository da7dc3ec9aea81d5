import csv
import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from commitments import services
from commitments.models import ListeningSession, ListeningTheme
from equity_portal.core.models import AuditEvent
from equity_portal.core.roles import Role

from .conftest import url
from .factories import CommitmentFactory, ListeningSessionFactory, ListeningThemeFactory

pytestmark = pytest.mark.django_db

LAST_WEEK = timezone.localdate() - datetime.timedelta(days=7)


def _create(org, actor, **kwargs):
    data = {
        "title": "Spring patient listening session",
        "held_on": LAST_WEEK,
        "audience": "patients",
        "method": "session",
        "participants": 28,
        "themes": ["Interpreters are scarce", " interpreters are scarce ", "Long waits", ""],
        "actions_taken": "Shared with the committee",
    }
    data.update(kwargs)
    return services.listening_session_create(organization=org, actor=actor, **data)


def test_record_a_session_with_its_themes(org, champion):
    session = _create(org, champion.user)
    assert [t.text for t in session.themes.all()] == ["Interpreters are scarce", "Long waits"]
    assert AuditEvent.objects.get(action="listening_session.create").details["themes"] == 2


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": " "}, "title"),
        ({"audience": "public"}, "audience"),
        ({"method": "telepathy"}, "method"),
        ({"participants": -1}, "participants"),
        ({"held_on": timezone.localdate() + datetime.timedelta(days=3)}, "held_on"),
    ],
)
def test_invalid_sessions_are_refused_on_the_field(org, champion, change, field):
    with pytest.raises(ValidationError) as error:
        _create(org, champion.user, **change)
    assert field in error.value.message_dict
    assert not ListeningSession.objects.exists()


def test_the_same_session_is_not_recorded_twice(org, champion):
    _create(org, champion.user)
    with pytest.raises(ValidationError, match="already recorded"):
        _create(org, champion.user, title="spring patient listening session")


def test_editing_keeps_links_of_unchanged_themes(org, champion):
    session = _create(org, champion.user)
    commitment = CommitmentFactory(organization=org, owner=champion)
    kept = session.themes.get(text="Interpreters are scarce")
    services.listening_theme_link(theme=kept, commitments=[commitment], actor=champion.user)

    services.listening_session_update(
        session=session,
        title=session.title,
        held_on=session.held_on,
        audience="both",
        method="survey",
        participants=None,
        themes=["Respect at the front desk", "Interpreters are scarce"],
        actions_taken="",
        actor=champion.user,
    )
    texts = list(session.themes.values_list("text", flat=True))
    assert texts == ["Respect at the front desk", "Interpreters are scarce"]
    assert list(ListeningTheme.objects.get(pk=kept.pk).commitments.all()) == [commitment]


def test_theme_cannot_link_another_organizations_commitment(org, other_org, champion):
    theme = ListeningThemeFactory(session__organization=org)
    foreign = CommitmentFactory(organization=other_org)
    with pytest.raises(ValidationError):
        services.listening_theme_link(theme=theme, commitments=[foreign], actor=champion.user)
    assert not theme.commitments.exists()


def test_record_and_link_through_the_pages(member_client, org):
    client = member_client(org, Role.LEADER)
    commitment = CommitmentFactory(organization=org, owner=client.membership)
    form = {
        "title": "Staff survey 2026",
        "held_on": LAST_WEEK.isoformat(),
        "audience": "staff",
        "method": "survey",
        "participants": "140",
        "themes": "Bias in promotions\nNo time for training",
        "actions_taken": "",
    }
    created = client.post(url("listening_create", org), form)
    assert created.status_code == 302
    assert client.post(url("listening_create", org), form).status_code == 400
    session = ListeningSession.objects.get()
    theme = session.themes.get(text="Bias in promotions")

    detail = client.get(created["Location"]).content.decode()
    assert f'name="theme{theme.pk}-commitments"' in detail

    linked = client.post(
        url("listening_theme_link", org, pk=session.pk, theme_pk=theme.pk),
        {f"theme{theme.pk}-commitments": [commitment.pk]},
    )
    assert linked.status_code == 302
    assert list(theme.commitments.all()) == [commitment]
    assert (
        "Bias in promotions"
        in client.get(url("commitment_detail", org, pk=commitment.pk)).content.decode()
    )


def test_theme_of_another_session_is_404(member_client, org):
    client = member_client(org, Role.CHAMPION)
    session = ListeningSessionFactory(organization=org)
    other_theme = ListeningThemeFactory(session__organization=org)
    response = client.post(
        url("listening_theme_link", org, pk=session.pk, theme_pk=other_theme.pk), {}
    )
    assert response.status_code == 404


def test_delete_is_audited(member_client, org):
    client = member_client(org, Role.CHAMPION)
    session = ListeningSessionFactory(organization=org)
    client.post(url("listening_delete", org, pk=session.pk))
    assert not ListeningSession.objects.exists()
    assert AuditEvent.objects.filter(action="listening_session.delete").count() == 1


def test_filters_and_csv_with_themes_and_linked_commitments(member_client, org):
    client = member_client(org, Role.CHAMPION)
    staff = ListeningSessionFactory(organization=org, audience="staff", title="Staff huddle")
    ListeningSessionFactory(organization=org, audience="patients", title="Patient forum")
    theme = ListeningThemeFactory(session=staff, text="Scheduling")
    theme.commitments.add(CommitmentFactory(organization=org, statement="Evening clinics"))

    listed = client.get(url("listening_list", org), {"audience": "staff"})
    assert [s.title for s in listed.context["page"].object_list] == ["Staff huddle"]
    searched = client.get(url("listening_list", org), {"q": "schedul"})
    assert [s.title for s in searched.context["page"].object_list] == ["Staff huddle"]
    bad_dates = client.get(
        url("listening_list", org), {"date_from": "2026-02-01", "date_to": "2026-01-01"}
    )
    assert "The end date is before the start date." in bad_dates.content.decode()

    response = client.get(url("listening_export", org), {"audience": "staff"})
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:4] == ["date", "name", "audience", "method"]
    assert rows[1][1] == "Staff huddle"
    assert rows[1][5:7] == ["Scheduling", "Evening clinics"]
    assert AuditEvent.objects.get(action="listening_session.export").details["rows"] == 1
