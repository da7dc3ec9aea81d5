"""The Equity champion's journey of DESIGN §1 as one session in Chromium (issues 7 and 14): log
in, complete the readiness self-assessment, log a commitment, mark a learning item done, record a
PDSA cycle on a campaign; axe finds no serious or critical violation on any page visited."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from commitments.models import Commitment
from equity_portal.core.roles import Role
from improvement.models import PDSACycle
from learning.models import ItemCompletion
from tests.factories import TEST_PASSWORD, MembershipFactory, UserFactory
from tests.improvement.factories import CampaignFactory, make_goal, screening_extract
from tests.journeys.helpers import AxeWatch
from tests.learning.factories import LearningPlanFactory, PlanItemFactory, ResourceFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COMMITMENT = "Report access measures by race, ethnicity and language every quarter"
REFLECTION = "Ask every patient which language they prefer; never assume it."


@pytest.fixture
def champion(org):
    membership = MembershipFactory(
        organization=org,
        role=Role.CHAMPION,
        user=UserFactory(email="casey@alice.test", full_name="Casey Champion"),
    )
    plan = LearningPlanFactory(organization=org, assignee=membership, title="Equity basics")
    PlanItemFactory(
        plan=plan,
        resource=ResourceFactory(organization=org, title="Language matters"),
        due_date=timezone.localdate() + timedelta(days=14),
    )
    # Step 5: an active campaign on an approved charter's goal.
    screening_extract(org)
    campaign = CampaignFactory(organization=org, name="Screening for everyone")
    campaign.goals.add(make_goal(org))
    return membership


def test_champion_assesses_commits_and_learns(page: Page, live_server, champion):
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email address").fill("casey@alice.test")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/o/alice/$"))
    main_nav = page.get_by_role("navigation", name="Main")
    axe = AxeWatch(page)
    axe.check()

    # 1. The readiness self-assessment.
    main_nav.get_by_role("link", name="Commit").click()
    axe.check()
    page.get_by_role("button", name="Start the self-assessment").click()
    axe.check()
    questions = page.locator("fieldset")
    for i in range(questions.count()):
        questions.nth(i).get_by_label("Partly in place").check()
    page.get_by_role("button", name="Complete the assessment").click()
    expect(page.get_by_role("status").filter(has_text="Self-assessment completed")).to_be_visible()

    # 2. A commitment, owned by the champion.
    page.get_by_role("navigation", name="Commit step").get_by_role(
        "link", name="Commitments"
    ).click()
    page.get_by_role("link", name="Log the first commitment").click()
    axe.check()
    page.get_by_label("We commit to").fill(COMMITMENT)
    page.get_by_label("Due date").fill("2031-06-30")
    page.get_by_role("button", name="Log commitment").click()
    expect(page.get_by_role("status").filter(has_text="Commitment logged.")).to_be_visible()

    # 3. A learning item marked done, with a reflection.
    main_nav.get_by_role("link", name="Learn").click()
    page.get_by_role("link", name="Learning plans").click()
    page.get_by_role("link", name="Equity basics").click()
    axe.check()
    page.get_by_role("link", name=re.compile(r"^Mark done\s*: Language matters$")).click()
    page.get_by_label("Reflection (optional)").fill(REFLECTION)
    page.get_by_role("button", name="Mark done").click()
    expect(page.get_by_role("status").filter(has_text="marked done")).to_be_visible()

    # 4. A PDSA cycle on the campaign.
    main_nav.get_by_role("link", name="Improve").click()
    axe.check()
    page.get_by_role("link", name="Screening for everyone").click()
    axe.check()
    page.get_by_role("link", name="Record a PDSA cycle").click()
    axe.check()
    page.get_by_label("Change idea tested").fill("Screen at every visit")
    page.get_by_label("Question this cycle answers").fill("Does check-in screening reach more?")
    page.get_by_label("Start date (shown on the goal charts)").fill("2025-05-01")
    page.get_by_role("button", name="Record cycle").click()
    expect(page.get_by_role("status").filter(has_text="PDSA cycle 1 recorded.")).to_be_visible()
    axe.check()

    commitment = Commitment.objects.get()
    assert (commitment.statement, commitment.owner_id) == (COMMITMENT, champion.pk)
    assert ItemCompletion.objects.get().reflection == REFLECTION
    assert PDSACycle.objects.get().recorded_by == champion.user
    assert axe.failures == [], "\n".join(axe.failures)
    assert errors == []
