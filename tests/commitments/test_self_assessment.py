import csv
import io

import pytest
from django.core.exceptions import ValidationError

from commitments import services
from commitments.models import Answer, Assessment, Questionnaire
from commitments.questions import DEFAULT_QUESTIONS
from equity_portal.core.models import AuditEvent
from equity_portal.core.roles import Role

from .conftest import url
from .factories import completed_assessment

pytestmark = pytest.mark.django_db


def test_first_start_seeds_version_one_from_the_toolkit_questions(org, champion):
    assessment, created = services.assessment_start(organization=org, actor=champion.user)
    assert created
    assert assessment.questionnaire.version == 1
    keys = list(assessment.questionnaire.questions.values_list("key", flat=True))
    assert keys == [q["key"] for q in DEFAULT_QUESTIONS]
    assert AuditEvent.objects.filter(action="questionnaire.seed").count() == 1


def test_an_organization_has_one_assessment_in_progress(org, champion, make_member):
    first, created = services.assessment_start(organization=org, actor=champion.user)
    second, created_again = services.assessment_start(
        organization=org, actor=make_member(org, Role.LEADER).user
    )
    assert created and not created_again
    assert first == second
    assert Assessment.objects.count() == 1


def test_saving_a_draft_keeps_partial_answers(org, champion):
    assessment, _ = services.assessment_start(organization=org, actor=champion.user)
    question = assessment.questionnaire.questions.first()
    services.assessment_save_answers(
        assessment=assessment, answers={question.pk: (1, "Only a plan")}, actor=champion.user
    )
    answer = Answer.objects.get()
    assert (answer.value, answer.evidence) == (1, "Only a plan")
    assessment.refresh_from_db()
    assert assessment.status == "draft"


def test_completing_needs_every_answer(org, champion):
    assessment, _ = services.assessment_start(organization=org, actor=champion.user)
    question = assessment.questionnaire.questions.first()
    with pytest.raises(ValidationError) as error:
        services.assessment_save_answers(
            assessment=assessment,
            answers={question.pk: (2, "")},
            complete=True,
            actor=champion.user,
        )
    total = len(DEFAULT_QUESTIONS)
    assert error.value.messages == [
        "Answer every question to complete the self-assessment: "
        f"{total - 1} of {total} still need an answer."
    ]
    assert not Answer.objects.exists()  # atomic: nothing saved


def test_completing_fixes_the_scores_per_domain(org, champion):
    assessment = completed_assessment(
        org,
        champion.user,
        value=4,
        overrides={"access-by-real": 0, "screening-by-real": 0},
    )
    assert assessment.status == "completed"
    assert assessment.domain_scores["data"] == 50
    assert assessment.domain_scores["listening"] == 100
    assert AuditEvent.objects.filter(action="assessment.complete").count() == 1


def test_a_completed_assessment_cannot_be_changed(org, champion):
    assessment = completed_assessment(org, champion.user)
    question = assessment.questionnaire.questions.first()
    with pytest.raises(ValidationError, match="already completed"):
        services.assessment_save_answers(
            assessment=assessment, answers={question.pk: (0, "")}, actor=champion.user
        )


def test_answers_off_the_scale_are_refused(org, champion):
    assessment, _ = services.assessment_start(organization=org, actor=champion.user)
    question = assessment.questionnaire.questions.first()
    with pytest.raises(ValidationError, match="scale from 0 to 4"):
        services.assessment_save_answers(
            assessment=assessment, answers={question.pk: (7, "")}, actor=champion.user
        )


def test_each_completed_assessment_is_kept(org, champion):
    first = completed_assessment(org, champion.user, value=1)
    second = completed_assessment(org, champion.user, value=3)
    assert first != second
    assert Assessment.objects.filter(status="completed").count() == 2
    assert (first.overall_score, second.overall_score) == (25, 75)


def test_taking_the_assessment_through_the_pages(member_client, org):
    client = member_client(org, Role.CHAMPION)
    start = client.post(url("assessment_start", org))
    assessment = Assessment.objects.get()
    assert start["Location"] == url("assessment_detail", org, pk=assessment.pk)
    questions = list(assessment.questionnaire.questions.all())

    data = {f"q{q.pk}": "2" for q in questions[1:]}
    data["action"] = "complete"
    incomplete = client.post(start["Location"], data)
    assert incomplete.status_code == 400
    assert "Choose an answer to complete the assessment." in incomplete.content.decode()

    data[f"q{questions[0].pk}"] = "0"
    data[f"e{questions[0].pk}"] = "No report by race yet"
    done = client.post(start["Location"], data)
    assert done.status_code == 302
    result = client.get(done["Location"]).content.decode()
    assert "Self-assessment completed." in result
    assert "No report by race yet" in result
    assert "Suggested next actions" in result


def test_start_twice_resumes_the_draft(member_client, org):
    client = member_client(org, Role.ANALYST)
    client.post(url("assessment_start", org))
    again = client.post(url("assessment_start", org), follow=True)
    assert Assessment.objects.count() == 1
    assert "already in progress" in again.content.decode()


def test_progress_chart_has_a_table_alternative_and_loads_plotly_locally(member_client, org):
    client = member_client(org, Role.CHAMPION)
    completed_assessment(org, client.user, value=1)
    completed_assessment(org, client.user, value=3)
    response = client.get(url("assessment_list", org))
    page = response.content.decode()
    figure = response.context["progress_figure"]
    assert [trace["name"] for trace in figure["data"]][-1] == "Overall"
    assert figure["layout"]["yaxis"]["range"] == [0, 100]
    assert 'src="/static/vendor/plotly/plotly.min.js"' in page
    assert 'id="progress-figure" type="application/json"' in page
    assert "Readiness score (%) per domain at each completed assessment" in page
    assert '<td class="num">25</td>' in page and '<td class="num">75</td>' in page


def test_pages_without_charts_do_not_load_plotly(member_client, org):
    client = member_client(org, Role.CHAMPION)
    for name in ("index", "assessment_list", "commitment_list"):
        assert "plotly" not in client.get(url(name, org)).content.decode()


def test_scores_csv_and_answers_csv(member_client, org):
    client = member_client(org, Role.CHAMPION)
    assessment = completed_assessment(org, client.user, value=2)
    scores = list(
        csv.reader(io.StringIO(client.get(url("assessment_export", org)).content.decode()))
    )
    assert scores[0][:3] == ["completed_on", "questionnaire_version", "overall_percent"]
    assert scores[1][1:3] == ["1", "50"]
    answers = client.get(url("assessment_answers_export", org, pk=assessment.pk))
    rows = list(csv.reader(io.StringIO(answers.content.decode())))
    assert len(rows) == 1 + len(DEFAULT_QUESTIONS)
    assert rows[1][2:4] == ["2", "Partly in place"]
    assert set(
        AuditEvent.objects.filter(action__endswith=".export").values_list("action", flat=True)
    ) == {
        "assessment.export",
        "assessment_answer.export",
    }


def test_questionnaire_versions_never_change(org, admin_member):
    first = services.questionnaire_ensure(organization=org, actor=admin_member.user)
    assert services.questionnaire_ensure(organization=org, actor=admin_member.user) == first
    assert Questionnaire.objects.count() == 1
