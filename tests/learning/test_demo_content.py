"""The demo adds a team, a plan for the champion and a session, once."""

import pytest
from django.core.management import call_command

from equity_portal.core.models import Organization
from learning.models import LearningPlan, LearningSession, Team
from learning.receivers import DEMO_PLAN

pytestmark = pytest.mark.django_db


def test_seed_demo_adds_learning_content_idempotently():
    call_command("seed_demo")
    call_command("seed_demo")
    demo = Organization.objects.get(slug="demo")
    # Teams are shared with Vision (its demo charter's team); Learn's own demo team exists once.
    assert Team.objects.filter(organization=demo, name="Equity learning circle").count() == 1
    plan = LearningPlan.objects.get(organization=demo)
    assert plan.title == DEMO_PLAN
    assert plan.assignee.user.email == "champion@demo.test"
    assert plan.items.count() == 3
    assert LearningSession.objects.filter(organization=demo).get().attendees.count() == 4
