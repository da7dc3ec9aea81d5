from types import SimpleNamespace

import pytest

from commitments import scoring
from commitments.models import Domain
from commitments.scoring import ScoredAnswer


def test_domain_scores_are_percent_of_the_scale_in_domain_order():
    answers = [
        ScoredAnswer(Domain.LISTENING, 4),
        ScoredAnswer(Domain.DATA, 0),
        ScoredAnswer(Domain.DATA, 2),
        ScoredAnswer(Domain.DATA, None),  # unanswered: not counted
    ]
    assert scoring.domain_scores(answers) == {"data": 25, "listening": 100}
    assert list(scoring.domain_scores(answers)) == ["data", "listening"]


def test_overall_score_weighs_every_question_the_same():
    answers = [ScoredAnswer("data", 0), ScoredAnswer("data", 0), ScoredAnswer("listening", 3)]
    assert scoring.overall_score(answers) == 25
    assert scoring.overall_score([]) is None


def _answer(key, value, action_text="Do something", target="data", domain="data"):
    question = SimpleNamespace(
        key=key, domain=domain, action_text=action_text, action_target=target
    )
    return SimpleNamespace(question=question, value=value)


def test_low_answers_suggest_their_action_lowest_first():
    actions = scoring.next_actions(
        [
            _answer("planning", 1, "Plan more"),
            _answer("fine", 3, "Never shown"),
            _answer("nothing", 0, "Start stratifying", "data"),
            _answer("no-text", 0, ""),
            _answer("unanswered", None),
        ]
    )
    assert [(a.question_key, a.text) for a in actions] == [
        ("nothing", "Start stratifying"),
        ("planning", "Plan more"),
    ]


@pytest.mark.django_db
def test_no_stratified_data_suggests_the_data_hub(member_client, org):
    from .conftest import url
    from .factories import completed_assessment

    client = member_client(org)
    assessment = completed_assessment(org, client.user, value=4, overrides={"access-by-real": 0})
    page = client.get(url("assessment_detail", org, pk=assessment.pk)).content.decode()
    assert "No stratified access data yet" in page
    # The data hub is another app: linked by URL name, or to its step card until it exists.
    assert 'href="/o/alice/data/' in page or 'href="/o/alice/#step-data"' in page
