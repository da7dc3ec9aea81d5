import csv
import io

import pytest
from django.core.exceptions import ValidationError

from commitments import services
from commitments.models import Champion
from equity_portal.core.models import AuditEvent
from equity_portal.core.roles import Role

from .conftest import url
from .factories import ChampionFactory

pytestmark = pytest.mark.django_db


def test_naming_a_champion_uses_the_profile_department_by_default(org, make_member, champion):
    member = make_member(org, Role.LEADER, department="Emergency medicine")
    named = services.champion_create(
        organization=org, membership=member, focus_area="Pain management", actor=champion.user
    )
    assert named.department == "Emergency medicine"
    assert AuditEvent.objects.get(action="champion.create").details == {"member": member.user.email}


def test_a_member_is_named_once(org, champion):
    services.champion_create(
        organization=org, membership=champion, focus_area="Language", actor=champion.user
    )
    with pytest.raises(ValidationError, match="already an equity champion"):
        services.champion_create(
            organization=org, membership=champion, focus_area="Other", actor=champion.user
        )
    assert Champion.objects.count() == 1


def test_champion_must_be_an_active_member_of_the_organization(
    org, other_org, make_member, champion
):
    for member in (make_member(org, is_active=False), make_member(other_org)):
        with pytest.raises(ValidationError) as error:
            services.champion_create(
                organization=org, membership=member, focus_area="X", actor=champion.user
            )
        assert error.value.message_dict == {
            "membership": ["Choose an active member of Alice Health."]
        }


def test_focus_area_is_required(org, champion):
    with pytest.raises(ValidationError) as error:
        services.champion_create(
            organization=org, membership=champion, focus_area=" ", actor=champion.user
        )
    assert "focus_area" in error.value.message_dict


def test_name_edit_and_remove_through_the_pages(member_client, make_member, org):
    client = member_client(org, Role.CHAMPION)
    member = make_member(org, Role.ANALYST)
    form = {"membership": member.pk, "department": "Pharmacy", "focus_area": "Access"}
    created = client.post(url("champion_create", org), form)
    assert created.status_code == 302
    twice = client.post(url("champion_create", org), form)
    assert twice.status_code == 400
    assert "already an equity champion" in twice.content.decode()
    champion = Champion.objects.get()

    edited = client.post(
        url("champion_edit", org, pk=champion.pk), {"department": "", "focus_area": "Hiring"}
    )
    assert edited.status_code == 302
    champion.refresh_from_db()
    assert (champion.department, champion.focus_area) == ("", "Hiring")

    removed = client.post(url("champion_remove", org, pk=champion.pk), follow=True)
    assert "no longer listed as an equity champion" in removed.content.decode()
    assert not Champion.objects.exists()
    assert AuditEvent.objects.filter(action="champion.remove").count() == 1


def test_remove_needs_post(member_client, org):
    client = member_client(org, Role.CHAMPION)
    champion = ChampionFactory(organization=org)
    assert client.get(url("champion_remove", org, pk=champion.pk)).status_code == 405
    assert Champion.objects.exists()


def test_filter_and_csv(member_client, org):
    client = member_client(org, Role.CHAMPION)
    ChampionFactory(organization=org, department="Pharmacy", focus_area="Access to medicines")
    ChampionFactory(organization=org, department="Primary care", focus_area="Screening")

    listed = client.get(url("champion_list", org), {"department": "Pharmacy"})
    assert [c.focus_area for c in listed.context["page"].object_list] == ["Access to medicines"]
    searched = client.get(url("champion_list", org), {"q": "screen"})
    assert [c.focus_area for c in searched.context["page"].object_list] == ["Screening"]

    response = client.get(url("champion_export", org), {"q": "screen"})
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["name", "email", "department", "focus_area", "named_on"]
    assert [r[3] for r in rows[1:]] == ["Screening"]
    assert AuditEvent.objects.get(action="champion.export").details["rows"] == 1
