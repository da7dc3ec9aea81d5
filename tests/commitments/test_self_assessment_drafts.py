"""The self-assessment keeps what was typed (issue 16 item 7): completing with unanswered
questions keeps every answer and evidence note (on the page and as a saved draft) and shows
the error next to each unanswered question; a draft can be saved with questions unanswered."""

import pytest

from commitments.models import Answer, Assessment
from equity_portal.core.roles import Role

from .conftest import url

pytestmark = pytest.mark.django_db


def _start(client, org):
    start = client.post(url("assessment_start", org))
    assessment = Assessment.objects.get()
    return start["Location"], assessment, list(assessment.questionnaire.questions.all())


def test_completing_with_gaps_keeps_answers_and_notes_and_marks_each_gap(member_client, org):
    client = member_client(org, Role.CHAMPION)
    page, assessment, questions = _start(client, org)
    answered, missing = questions[:-2], questions[-2:]
    data = {f"q{q.pk}": "3" for q in answered}
    data.update({f"e{q.pk}": f"evidence note {q.pk}" for q in questions})
    data["action"] = "complete"

    response = client.post(page, data)

    html = response.content.decode()
    assert response.status_code == 400
    assert "Your answers and evidence notes are saved as a draft." in html
    for q in questions:
        assert f"evidence note {q.pk}" in html
    for q in answered:
        assert f'name="q{q.pk}" id="id_q{q.pk}_3" value="3" checked' in html
    for q in missing:  # the error sits with its question
        assert f'id="id_q{q.pk}_error">Choose an answer to complete the assessment.' in html
    assert html.count("Choose an answer to complete the assessment.") == len(missing)
    saved = {a.question_id: (a.value, a.evidence) for a in Answer.objects.all()}
    assert saved == {
        q.pk: (3 if q in answered else None, f"evidence note {q.pk}") for q in questions
    }
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.DRAFT

    # Coming back later shows the draft as it was left.
    again = client.get(page).content.decode()
    assert f"evidence note {missing[0].pk}" in again
    assert f'name="q{answered[0].pk}" id="id_q{answered[0].pk}_3" value="3" checked' in again


def test_saving_a_draft_with_unanswered_questions(member_client, org):
    client = member_client(org, Role.ANALYST)
    page, assessment, questions = _start(client, org)
    html = client.get(page).content.decode()
    assert 'value="save" class="btn btn-outline-primary">Save as draft</button>' in html

    response = client.post(
        page, {f"q{questions[0].pk}": "1", f"e{questions[1].pk}": "only a note", "action": "save"}
    )

    assert response.status_code == 302
    saved = {a.question_id: (a.value, a.evidence) for a in Answer.objects.all()}
    assert saved[questions[0].pk] == (1, "")
    assert saved[questions[1].pk] == (None, "only a note")
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.DRAFT
