import pytest
from django.core.exceptions import ValidationError

from commitments import services
from commitments.models import Assessment, Questionnaire
from commitments.questions import DEFAULT_QUESTIONS
from equity_portal.core.models import AuditEvent
from equity_portal.core.roles import Role

from .conftest import url
from .factories import completed_assessment

pytestmark = pytest.mark.django_db


def _questions(questionnaire):
    return [
        {
            "key": q.key,
            "domain": q.domain,
            "text": q.text,
            "help_text": q.help_text,
            "action_text": q.action_text,
            "action_target": q.action_target,
        }
        for q in questionnaire.questions.all()
    ]


def test_publishing_makes_a_new_version_and_old_answers_keep_theirs(org, admin_member):
    old = completed_assessment(org, admin_member.user, value=2)
    questions = _questions(old.questionnaire)
    questions[0]["text"] = "Do we know whether access differs by race, ethnicity, language?"
    questions.append({"domain": "community", "text": "Do community members sit on our board?"})

    new = services.questionnaire_publish(
        organization=org, questions=questions, note="Board question", actor=admin_member.user
    )

    assert new.version == 2
    assert new.questions.count() == len(DEFAULT_QUESTIONS) + 1
    assert new.questions.last().key == "do-community-members-sit-on-our-board"
    old.refresh_from_db()
    assert old.questionnaire.version == 1
    assert old.answers.first().question.text == DEFAULT_QUESTIONS[0]["text"]
    assert old.domain_scores["data"] == 50
    started, _ = services.assessment_start(organization=org, actor=admin_member.user)
    assert started.questionnaire == new
    event = AuditEvent.objects.get(action="questionnaire.publish")
    assert event.details["version"] == 2 and event.details["previous_version"] == 1


def test_a_draft_keeps_the_version_it_started_on(org, admin_member):
    draft, _ = services.assessment_start(organization=org, actor=admin_member.user)
    questions = _questions(draft.questionnaire)[:3]
    services.questionnaire_publish(organization=org, questions=questions, actor=admin_member.user)
    draft.refresh_from_db()
    assert draft.questionnaire.version == 1


def test_publishing_the_same_questions_again_is_refused(org, admin_member):
    current = services.questionnaire_ensure(organization=org, actor=admin_member.user)
    with pytest.raises(ValidationError, match="Nothing changed: version 1"):
        services.questionnaire_publish(
            organization=org, questions=_questions(current), actor=admin_member.user
        )
    assert Questionnaire.objects.count() == 1


@pytest.mark.parametrize(
    ("question", "message"),
    [
        ({"domain": "data", "text": " "}, "Question 1 has no text."),
        ({"domain": "weather", "text": "Sunny?"}, "choose one of the listed domains"),
        (
            {"domain": "data", "text": "Q?", "action_target": "nowhere"},
            "choose where the next action links to",
        ),
    ],
)
def test_invalid_questions_are_refused_with_a_reason(org, admin_member, question, message):
    with pytest.raises(ValidationError, match=message):
        services.questionnaire_publish(
            organization=org, questions=[question], actor=admin_member.user
        )


def test_an_empty_questionnaire_is_refused(org, admin_member):
    with pytest.raises(ValidationError, match="at least one question"):
        services.questionnaire_publish(organization=org, questions=[], actor=admin_member.user)


@pytest.mark.parametrize("role", [Role.CHAMPION, Role.ANALYST, Role.LEADER])
def test_only_admins_edit_the_questionnaire(member_client, org, role):
    client = member_client(org, role)
    assert client.get(url("questionnaire_edit", org)).status_code == 403
    assert client.post(url("questionnaire_edit", org), {}).status_code == 403
    assert client.get(url("questionnaire", org)).status_code == 200
    assert not Questionnaire.objects.exists()


def _formset_post(questionnaire, **changes):
    questions = _questions(questionnaire)
    data = {
        "questions-TOTAL_FORMS": str(len(questions) + 2),
        "questions-INITIAL_FORMS": str(len(questions)),
        "questions-MIN_NUM_FORMS": "0",
        "questions-MAX_NUM_FORMS": "1000",
        "note": "Reordered",
    }
    for i, q in enumerate(questions):
        for field, value in q.items():
            data[f"questions-{i}-{field}"] = value
        data[f"questions-{i}-ORDER"] = str(i + 1)
    for i in range(len(questions), len(questions) + 2):
        data[f"questions-{i}-ORDER"] = ""
    data.update(changes)
    return data


def test_admin_edits_the_questionnaire_through_the_page(member_client, org):
    client = member_client(org, Role.ADMIN)
    assert client.get(url("questionnaire_edit", org)).status_code == 200
    assert not Questionnaire.objects.exists()  # viewing the editor writes nothing
    current = services.questionnaire_ensure(organization=org, actor=client.user)
    n = current.questions.count()
    data = _formset_post(
        current,
        **{
            "questions-0-ORDER": "99",  # move the first question to the end
            "questions-1-DELETE": "on",
            f"questions-{n}-domain": "community",
            f"questions-{n}-text": "Do we pay community partners for their time?",
            f"questions-{n}-ORDER": "50",
        },
    )
    response = client.post(url("questionnaire_edit", org), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    new = Questionnaire.objects.get(version=2)
    keys = list(new.questions.values_list("key", flat=True))
    assert len(keys) == n  # one removed, one added
    assert DEFAULT_QUESTIONS[1]["key"] not in keys
    assert keys[-1] == DEFAULT_QUESTIONS[0]["key"]
    assert keys[-2] == "do-we-pay-community-partners-for-their-time"
    page = client.get(response["Location"]).content.decode()
    assert "Version 2 published" in page

    again = client.post(url("questionnaire_edit", org), _formset_post(new))
    assert again.status_code == 400
    assert "Nothing changed: version 2" in again.content.decode()
    assert Questionnaire.objects.count() == 2
    assert not Assessment.objects.exists()
