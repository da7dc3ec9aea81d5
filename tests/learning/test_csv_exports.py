"""Every list has a CSV export of what the filters show; reflections stay out of exports."""

import csv
import io

import pytest

from tests.learning.factories import (
    ItemCompletionFactory,
    LearningSessionFactory,
    PlanItemFactory,
    ResourceFactory,
    TeamFactory,
)
from tests.learning.utils import learn_url

pytestmark = pytest.mark.django_db


def _rows(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_library_csv_follows_the_filters(org, champion):
    ResourceFactory(organization=org, title="Only video", kind="video", tags="x")
    rows = _rows(champion.get(learn_url(org, "resource_list_csv"), {"kind": "video", "tag": "x"}))
    assert rows[0] == ["title", "kind", "step", "tags", "link", "summary"]
    assert [r[0] for r in rows[1:]] == ["Only video"]


def test_glossary_csv(org, champion):
    rows = _rows(champion.get(learn_url(org, "glossary_csv"), {"q": "PDSA"}))
    assert rows[0] == ["term", "other names", "definition"]
    assert "PDSA" in [r[0] for r in rows[1:]]


def test_team_csv_lists_members(org, champion, make_member):
    member = make_member(org)
    TeamFactory(organization=org, name="Unit 4", members=[member])
    rows = _rows(champion.get(learn_url(org, "team_list_csv")))
    assert rows[1] == ["Unit 4", "1", member.user.email]


def test_plan_and_progress_csv_have_completion_but_no_reflections(org, admin):
    item = PlanItemFactory(plan__organization=org, plan__title="Basics")
    ItemCompletionFactory(item=item, reflection="secret thought")
    plans = _rows(admin.get(learn_url(org, "plan_list_csv")))
    assert plans[1][0] == "Basics"
    assert plans[1][-1] == "100.0"
    progress = _rows(admin.get(learn_url(org, "progress_csv")))
    assert progress[0] == ["level", "name", "assigned", "done", "overdue", "percent done"]
    assert progress[1][:4] == ["organization", "Alice Health", "1", "1"]
    for response in (plans, progress):
        assert "secret thought" not in str(response)


def test_session_csv(org, champion):
    session = LearningSessionFactory(organization=org, topic="History")
    session.attendees.set([champion.membership])
    rows = _rows(champion.get(learn_url(org, "session_list_csv"), {"q": "hist"}))
    assert rows[1][1:4] == ["History", "1", champion.user.email]


def test_csv_cells_that_look_like_formulas_are_defused(org, champion):
    ResourceFactory(organization=org, title="=HYPERLINK(1)", kind="video", tags="y")
    rows = _rows(champion.get(learn_url(org, "resource_list_csv"), {"tag": "y"}))
    assert rows[1][0] == "'=HYPERLINK(1)"
