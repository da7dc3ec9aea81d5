"""Scores and suggested next actions from self-assessment answers (no database access).

A domain's score is the mean of its answered questions on the 0-4 scale, as a percentage of 4;
the overall score is the mean over all answered questions (so every question weighs the same).
"""

from collections.abc import Iterable
from dataclasses import dataclass

from .models import SCALE_MAX, SUGGEST_AT_OR_BELOW, Domain


@dataclass(frozen=True)
class ScoredAnswer:
    domain: str
    value: int | None


@dataclass(frozen=True)
class NextAction:
    question_key: str
    domain: str
    text: str
    target: str
    value: int


def _percent(values: list[int]) -> int:
    return round(100 * sum(values) / (SCALE_MAX * len(values)))


def domain_scores(answers: Iterable[ScoredAnswer]) -> dict[str, int]:
    """{domain: percent} for every domain with at least one answer, in Domain order."""
    by_domain: dict[str, list[int]] = {}
    for answer in answers:
        if answer.value is not None:
            by_domain.setdefault(answer.domain, []).append(answer.value)
    return {d: _percent(by_domain[d]) for d in Domain.values if d in by_domain}


def overall_score(answers: Iterable[ScoredAnswer]) -> int | None:
    values = [a.value for a in answers if a.value is not None]
    return _percent(values) if values else None


def next_actions(answers) -> list[NextAction]:
    """Suggested actions for low answers, lowest first. `answers` are Answer rows with their
    question loaded; questions without an action text suggest nothing."""
    actions = [
        NextAction(
            question_key=a.question.key,
            domain=a.question.domain,
            text=a.question.action_text,
            target=a.question.action_target,
            value=a.value,
        )
        for a in answers
        if a.value is not None and a.value <= SUGGEST_AT_OR_BELOW and a.question.action_text
    ]
    return sorted(actions, key=lambda action: action.value)
