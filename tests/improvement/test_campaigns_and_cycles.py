"""Campaigns on charter goals and PDSA cycles: pages, services, audit, validation."""

from datetime import date

import pytest

from equity_portal.core.models import AuditEvent
from equity_portal.core.roles import Role
from improvement import services
from improvement.models import Campaign, PDSACycle

from .conftest import url
from .factories import CampaignFactory, CharterFactory, PDSACycleFactory, make_goal

pytestmark = pytest.mark.django_db


def test_empty_states(member_client, org):
    client = member_client(org, Role.CHAMPION)
    page = client.get(url("index", org)).content.decode()
    assert "No campaigns yet." in page and "Start the first campaign" in page
    goals = client.get(url("goal_list", org)).content.decode()
    assert "No goals to improve yet." in goals


def test_create_a_campaign_on_an_approved_goal(member_client, org, screening):
    client = member_client(org, Role.CHAMPION)
    goal = make_goal(org)
    draft = make_goal(org, charter=CharterFactory(organization=org, status="draft"))
    form = client.get(url("campaign_create", org) + f"?goal={goal.pk}").content.decode()
    assert goal.title in form and f'value="{goal.pk}"' in form and "checked" in form
    assert f'value="{draft.pk}"' not in form  # only goals of approved charters are offered
    response = client.post(
        url("campaign_create", org),
        {
            "name": "Screen every visit",
            "aim": "Raise screening for Black patients to 70% by mid-2026.",
            "owner": client.membership.pk,
            "status": "active",
            "start_date": "2024-06-01",
            "goals": [goal.pk],
            "change_ideas": "Screen at check-in\nText reminders",
        },
    )
    campaign = Campaign.objects.get(name="Screen every visit")
    assert response.status_code == 302 and response["Location"].endswith(f"/{campaign.pk}/")
    assert list(campaign.goals.all()) == [goal]
    assert campaign.change_idea_list == ["Screen at check-in", "Text reminders"]
    event = AuditEvent.objects.get(action="campaign.create")
    assert event.details["goals"] == [goal.pk] and event.actor == client.user
    detail = client.get(response["Location"]).content.decode()
    assert goal.title in detail and "Is the gap closing?" in detail


def test_campaign_validation_and_edit(member_client, org):
    client = member_client(org, Role.ANALYST)
    CampaignFactory(organization=org, name="Taken")
    bad = client.post(
        url("campaign_create", org),
        {
            "name": "taken",
            "owner": client.membership.pk,
            "status": "planned",
            "start_date": "2024-06-01",
            "end_date": "2024-01-01",
        },
    )
    assert bad.status_code == 400
    assert "already has this name" in bad.content.decode()
    campaign = CampaignFactory(organization=org, owner=client.membership)
    response = client.post(
        url("campaign_edit", org, pk=campaign.pk),
        {
            "name": campaign.name,
            "owner": client.membership.pk,
            "status": "sustaining",
            "start_date": "2024-06-01",
            "lessons": "Check-in screening works; reminders did not.",
        },
    )
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.status == "sustaining" and campaign.lessons.startswith("Check-in")
    event = AuditEvent.objects.get(action="campaign.update")
    assert event.details["status"] == {"from": "active", "to": "sustaining"}


def test_champion_records_cycles_numbered_in_sequence(member_client, org):
    client = member_client(org, Role.CHAMPION)
    campaign = CampaignFactory(organization=org)
    data = {
        "change_idea": "Screen at every visit",
        "question": "Does screening at check-in reach more Black patients?",
        "prediction": "Screening rises by 10 points in a month.",
        "plan_who": "Front desk",
        "start_date": "2024-08-01",
    }
    first = client.post(url("cycle_create", org, pk=campaign.pk), data)
    assert first.status_code == 302
    second = client.post(
        url("cycle_create", org, pk=campaign.pk),
        {**data, "change_idea": "Spanish questionnaire", "start_date": "2024-11-01"},
    )
    assert second.status_code == 302
    one, two = PDSACycle.objects.filter(campaign=campaign).order_by("number")
    assert (one.number, two.number) == (1, 2) and two.follows == one and one.follows is None
    assert one.recorded_by == client.user and one.stage == "Plan"
    page = client.get(url("cycle_detail", org, pk=two.pk)).content.decode()
    assert "Follows" in page and "cycle 1" in page
    assert AuditEvent.objects.filter(action="pdsa_cycle.create").count() == 2

    edit = client.post(
        url("cycle_edit", org, pk=one.pk),
        {
            **data,
            "end_date": "2024-08-31",
            "what_happened": "Front desk screened 80% of visits.",
            "study": "Better than predicted.",
            "decision": "adopt",
            "next_test": "Add the Spanish questionnaire.",
        },
    )
    assert edit.status_code == 302
    one.refresh_from_db()
    assert one.decision == "adopt" and one.stage == "Act"
    event = AuditEvent.objects.get(action="pdsa_cycle.update")
    assert "decision" in event.details["fields"]


def test_cycle_needs_a_change_idea_a_question_and_ordered_dates(member_client, org):
    client = member_client(org, Role.CHAMPION)
    campaign = CampaignFactory(organization=org)
    response = client.post(
        url("cycle_create", org, pk=campaign.pk),
        {"change_idea": "", "question": "", "start_date": "2024-08-01", "end_date": "2024-07-01"},
    )
    assert response.status_code == 400
    assert not PDSACycle.objects.exists()
    with pytest.raises(Exception, match="end date"):
        services.pdsa_cycle_create(
            campaign=campaign,
            change_idea="x",
            question="y",
            start_date=date(2024, 8, 1),
            end_date=date(2024, 7, 1),
            actor=client.user,
        )


def test_list_filters_and_csv(member_client, org):
    client = member_client(org, Role.LEADER)
    active = CampaignFactory(organization=org, name="=Active one", status="active")
    CampaignFactory(organization=org, name="Closed one", status="closed")
    PDSACycleFactory(campaign=active)
    page = client.get(url("index", org), {"status": "active"}).content.decode()
    assert "=Active one" in page and "Closed one" not in page
    response = client.get(url("campaign_export", org), {"status": "active"})
    lines = response.content.decode().splitlines()
    assert lines[0].startswith("id,name,status,owner,owner_email,start_date")
    assert len(lines) == 2 and "'=Active one" in lines[1] and ",1,2024-08-01," in lines[1]
    assert AuditEvent.objects.filter(action="campaign.export").exists()
    empty = client.get(url("index", org), {"q": "nothing"}).content.decode()
    assert "No campaigns match these filters" in empty
