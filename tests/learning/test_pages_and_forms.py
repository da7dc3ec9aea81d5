"""Pages and forms: create, edit, double posts, messages, audit events, empty states."""

from datetime import timedelta

import pytest
from django.utils import timezone

from equity_portal.core.models import AuditEvent
from learning.models import (
    GlossaryTerm,
    ItemCompletion,
    LearningPlan,
    LearningSession,
    Resource,
    SessionReflection,
    Team,
)
from tests.learning.factories import LearningPlanFactory, PlanItemFactory, ResourceFactory
from tests.learning.utils import learn_url

pytestmark = pytest.mark.django_db

SOON = (timezone.localdate() + timedelta(days=10)).isoformat()


def _submission(client, url) -> str:
    return client.get(url).context["form"]["submission_id"].value()


def _audited(org, action) -> int:
    return AuditEvent.objects.filter(organization=org, action=action).count()


def test_resource_form_posted_twice_creates_one_resource(org, champion):
    url = learn_url(org, "resource_create")
    data = {
        "title": "Our grand rounds",
        "kind": "webinar",
        "tags": "Trust, history",
        "submission_id": _submission(champion, url),
    }
    first = champion.post(url, data)
    second = champion.post(url, data, follow=True)
    assert first.status_code == 302
    assert Resource.objects.filter(organization=org, title="Our grand rounds").count() == 1
    assert second.redirect_chain[-1][0] == first.url
    assert "added to the library" in second.text
    assert _audited(org, "learning_resource.create") == 1


def test_resource_form_errors_are_shown(org, champion):
    response = champion.post(learn_url(org, "resource_create"), {"title": "", "kind": "book"})
    assert response.status_code == 200
    assert response.context["form"].errors.keys() >= {"title", "kind"}


def test_resource_edit_and_delete(org, champion):
    resource = ResourceFactory(organization=org, title="Draft")
    champion.post(
        learn_url(org, "resource_edit", pk=resource.pk),
        {"title": "Final", "kind": "video", "tags": "a"},
    )
    resource.refresh_from_db()
    assert (resource.title, resource.kind) == ("Final", "video")
    response = champion.post(learn_url(org, "resource_delete", pk=resource.pk), follow=True)
    assert "removed from the library" in response.text
    assert not Resource.objects.filter(pk=resource.pk).exists()
    assert _audited(org, "learning_resource.update") == 1
    assert _audited(org, "learning_resource.delete") == 1


def test_deleting_a_resource_in_a_plan_explains_why_not(org, champion):
    item = PlanItemFactory(plan__organization=org)
    response = champion.post(learn_url(org, "resource_delete", pk=item.resource.pk), follow=True)
    assert "remove it from those plans first" in response.text


def test_glossary_term_form_posted_twice_creates_one_term(org, champion):
    url = learn_url(org, "glossary_term_create")
    data = {
        "term": "Anchor institution",
        "definition": "Ours.",
        "submission_id": _submission(champion, url),
    }
    champion.post(url, data)
    champion.post(url, data)
    assert GlossaryTerm.objects.filter(organization=org, slug="anchor-institution").count() == 1


def test_team_create_and_edit(org, champion, make_member):
    bob = make_member(org)
    url = learn_url(org, "team_create")
    data = {"name": "Unit 4", "members": [bob.pk], "submission_id": _submission(champion, url)}
    champion.post(url, data)
    champion.post(url, data)
    team = Team.objects.get(organization=org, name="Unit 4")
    assert list(team.members.all()) == [bob]
    champion.post(
        learn_url(org, "team_edit", pk=team.pk),
        {"name": "Unit 4 West", "members": [bob.pk, champion.membership.pk]},
    )
    team.refresh_from_db()
    assert team.name == "Unit 4 West" and team.members.count() == 2
    assert _audited(org, "team.create") == 1
    assert _audited(org, "team.update") == 1


def test_plan_create_add_item_and_mark_done_through_the_pages(org, champion):
    url = learn_url(org, "plan_create")
    data = {
        "title": "My basics",
        "assignee": champion.membership.pk,
        "submission_id": _submission(champion, url),
    }
    champion.post(url, data)
    champion.post(url, data)
    plan = LearningPlan.objects.get(organization=org, title="My basics")
    resource = Resource.objects.get(organization=org, seed_key="basics-health-equity")
    add = learn_url(org, "plan_item_add", pk=plan.pk)
    champion.post(add, {"resource": resource.pk, "due_date": SOON})
    champion.post(add, {"resource": resource.pk, "due_date": SOON})
    (item,) = plan.items.all()
    done = learn_url(org, "plan_item_done", plan_pk=plan.pk, pk=item.pk)
    response = champion.post(done, {"reflection": "Useful framing."}, follow=True)
    assert "marked done" in response.text
    champion.post(done, {"reflection": ""})
    completion = ItemCompletion.objects.get(item=item)
    assert completion.reflection == "Useful framing."
    assert LearningPlan.objects.filter(organization=org).count() == 1


def test_plan_form_requires_one_member_or_one_team(org, champion):
    response = champion.post(learn_url(org, "plan_create"), {"title": "Nobody"})
    assert "Choose either one member or one team" in response.text


def test_adding_an_item_due_in_the_past_shows_the_reason(org, champion):
    plan = LearningPlanFactory(organization=org, assignee=champion.membership)
    resource = ResourceFactory(organization=org)
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = champion.post(
        learn_url(org, "plan_item_add", pk=plan.pk),
        {"resource": resource.pk, "due_date": yesterday},
        follow=True,
    )
    assert "is in the past" in response.text
    assert not plan.items.exists()


def test_marking_someone_elses_item_done_is_refused(org, champion):
    item = PlanItemFactory(plan__organization=org)
    url = learn_url(org, "plan_item_done", plan_pk=item.plan.pk, pk=item.pk)
    response = champion.post(url, {"reflection": ""})
    assert response.status_code == 200
    assert "is not assigned to" in response.text
    assert not ItemCompletion.objects.exists()


def test_item_removal_and_reopen(org, champion):
    plan = LearningPlanFactory(organization=org, assignee=champion.membership)
    item = PlanItemFactory(plan=plan)
    ItemCompletion.objects.create(organization=org, item=item, membership=champion.membership)
    champion.post(learn_url(org, "plan_item_undone", plan_pk=plan.pk, pk=item.pk))
    assert not ItemCompletion.objects.exists()
    champion.post(learn_url(org, "plan_item_remove", plan_pk=plan.pk, pk=item.pk))
    assert not plan.items.exists()
    assert _audited(org, "learning_item.remove") == 1


def test_session_record_reflect_and_edit(org, champion, make_member):
    bob = make_member(org)
    url = learn_url(org, "session_create")
    data = {
        "date": "2026-05-04",
        "topic": "History of racism in medicine",
        "attendees": [bob.pk, champion.membership.pk],
        "submission_id": _submission(champion, url),
    }
    champion.post(url, data)
    champion.post(url, data)
    session = LearningSession.objects.get(organization=org)
    assert session.attendees.count() == 2
    reflect = learn_url(org, "session_reflect", pk=session.pk)
    champion.post(reflect, {"text": "We need to talk about this more."})
    champion.post(reflect, {"text": "We need to talk about this more."})
    assert SessionReflection.objects.filter(session=session).count() == 1
    champion.post(
        learn_url(org, "session_edit", pk=session.pk),
        {"date": "2026-05-05", "topic": "History", "attendees": [bob.pk]},
    )
    session.refresh_from_db()
    assert (str(session.date), session.attendees.count()) == ("2026-05-05", 1)
    assert _audited(org, "learning_session.update") == 1
    assert _audited(org, "learning_reflection.create") == 1


def test_index_explains_what_to_do_first(org, champion):
    response = champion.get(learn_url(org))
    assert response.status_code == 200
    assert "Nothing is assigned to you yet" in response.text
    assert "No sessions yet" in response.text


def test_index_offers_the_starter_library_when_empty(org, champion):
    Resource.objects.filter(organization=org).delete()
    GlossaryTerm.objects.filter(organization=org).delete()
    assert "Add the starter library and glossary" in champion.get(learn_url(org)).text
    response = champion.post(learn_url(org, "seed_defaults"), follow=True)
    assert "already added" in response.text  # deleted starter rows are not forced back


def test_index_lists_my_open_items(org, champion):
    item = PlanItemFactory(plan=LearningPlanFactory(organization=org, assignee=champion.membership))
    response = champion.get(learn_url(org))
    assert item.resource.title in response.text
    assert "0 of 1 assigned item done" in response.text


def test_empty_lists_explain_the_next_step(org, champion):
    for name, text in [
        ("plan_list", "No learning plans yet"),
        ("team_list", "No teams yet"),
        ("session_list", "No learning sessions yet"),
    ]:
        assert text in champion.get(learn_url(org, name)).text
