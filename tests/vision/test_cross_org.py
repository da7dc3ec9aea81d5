"""Another organization's vision rows are a 404 on every URL that names one (GET and POST), and
selectors never return them."""

import pytest
from django.urls import reverse

from equity_portal.core.roles import Role
from tests.core.test_url_sweep import organization_urls
from tests.data_hub_results.factories import fixture_extract
from tests.vision.factories import (
    BLACK,
    CharterFactory,
    PartnerFactory,
    TeamFactory,
    VisionStatementFactory,
    make_goal,
    make_priority,
)
from vision import selectors
from vision.models import CharterMeasure, CharterMilestone, CharterPartner, ReviewStatus

pytestmark = pytest.mark.django_db


def _objects(organization):
    fixture_extract(organization)
    charter = CharterFactory(organization=organization)
    priority = make_priority(organization, BLACK)
    goal = make_goal(charter, priority)
    partner = PartnerFactory(organization=organization)
    return {
        "charter": charter,
        "priority": priority,
        "goal": goal,
        "partner": partner,
        "team": charter.team,
        "statement": VisionStatementFactory(
            organization=organization, status=ReviewStatus.SUBMITTED
        ),
        "measure": CharterMeasure.objects.create(
            organization=organization, charter=charter, kind="process", name="m"
        ),
        "milestone": CharterMilestone.objects.create(
            organization=organization, charter=charter, title="t", due_date=goal.target_date
        ),
        "link": CharterPartner.objects.create(
            organization=organization, charter=charter, partner=partner
        ),
    }


def _kwargs_for(name: str, objects: dict) -> dict:
    target = {
        "statement_": "statement",
        "priority_": "priority",
        "team_": "team",
        "charter_measure_remove": "measure",
        "charter_milestone_remove": "milestone",
        "charter_partner_remove": "link",
        "charter_": "charter",
        "goal_create": "charter",
        "goal_": "goal",
        "partner_": "partner",
    }
    for prefix, key in target.items():
        if name.startswith(prefix) or name == prefix:
            kwargs = {"pk": objects[key].pk}
            if name in (
                "charter_measure_remove",
                "charter_milestone_remove",
                "charter_partner_remove",
            ):
                kwargs["charter_pk"] = objects["charter"].pk
            return kwargs
    raise AssertionError(f"no object for {name}")


VISION_WITH_PK = [
    u.name.split(":")[1]
    for u in organization_urls()
    if u.name.startswith("vision:") and "<int:pk>" in u.route
]


def test_the_sweep_covers_every_vision_url_with_an_object():
    assert len(VISION_WITH_PK) >= 20


@pytest.mark.parametrize("name", VISION_WITH_PK)
def test_another_organizations_objects_are_404(name, org, other_org, member_client):
    theirs = _objects(other_org)
    client = member_client(org, Role.ADMIN)
    url = reverse(f"vision:{name}", kwargs={"org_slug": org.slug, **_kwargs_for(name, theirs)})
    assert client.get(url).status_code in (404, 405)
    assert client.post(url, {"decision": "approve", "status": "adopted"}).status_code == 404
    theirs["charter"].refresh_from_db()
    theirs["priority"].refresh_from_db()
    assert theirs["charter"].status == ReviewStatus.DRAFT
    assert theirs["priority"].status == "proposed"


def test_selectors_return_only_the_organizations_rows(org, other_org):
    mine, theirs = _objects(org), _objects(other_org)
    for rows, key in (
        (selectors.priority_list(organization=org), "priority"),
        (selectors.charter_list(organization=org), "charter"),
        (selectors.goal_list(organization=org), "goal"),
        (selectors.partner_list(organization=org), "partner"),
        (selectors.team_list(organization=org), "team"),
    ):
        assert {r.pk for r in rows} == {mine[key].pk}, key
        assert theirs[key].pk not in {r.pk for r in rows}
    assert selectors.approved_vision(org) is None
    assert [r[0] for r in selectors.goal_csv_rows(organization=org)] == [mine["charter"].title]


def test_a_goal_cannot_use_another_organizations_priority(org, other_org):
    fixture_extract(other_org)
    theirs = make_priority(other_org, BLACK)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="another organization"):
        make_goal(CharterFactory(organization=org), theirs)


def test_a_charter_cannot_use_another_organizations_team(org, other_org):
    from django.core.exceptions import ValidationError

    from vision import services

    with pytest.raises(ValidationError, match="another organization"):
        services.charter_create(
            organization=org, actor=None, title="x", team=TeamFactory(organization=other_org)
        )
