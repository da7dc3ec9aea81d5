"""Reads of the overview: each step's summary through that step's own selectors (and the data
hub's selectors and read API), in a bounded number of queries whatever the data size.

The overview imports the steps; no step imports it (import-linter)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from django.urls import reverse
from django.utils import timezone

from commitments import selectors as commit_selectors
from data_hub import api
from equity_portal.core import revision
from equity_portal.core.evidence import MET, NONE, PARTLY, evidence_providers
from equity_portal.core.models import Membership, Organization
from equity_portal.core.roles import Capability
from learning import selectors as learn_selectors

from . import steps45
from .models import EvidenceRequirement

ATTENTION_LIMIT = 10


def _url(organization: Organization, name: str, **kwargs) -> str:
    return reverse(name, kwargs={"org_slug": organization.slug, **kwargs})


# --------------------------------------------------------------------------- Commit


@dataclass(frozen=True)
class ScorePoint:
    completed_on: date | None
    score: int | None


@dataclass(frozen=True)
class CommitSummary:
    latest_score: int | None
    latest_on: date | None
    trend: tuple[ScorePoint, ...]  # oldest first, at most 5
    change: int | None  # latest score minus the previous one
    draft_in_progress: bool
    open_commitments: int
    overdue_commitments: int
    done_commitments: int
    champions: int


def commit_summary(organization: Organization) -> CommitSummary:
    summary = commit_selectors.commit_summary(organization=organization)
    recent = list(
        commit_selectors.assessment_completed_list(organization=organization).values_list(
            "completed_at", "overall_score"
        )[:5]
    )
    trend = tuple(
        ScorePoint(completed_on=timezone.localtime(at).date() if at else None, score=score)
        for at, score in reversed(recent)
    )
    latest = trend[-1] if trend else None
    change = None
    if len(trend) >= 2 and trend[-1].score is not None and trend[-2].score is not None:
        change = trend[-1].score - trend[-2].score
    counts = summary["commitment_counts"]
    return CommitSummary(
        latest_score=latest.score if latest else None,
        latest_on=latest.completed_on if latest else None,
        trend=trend,
        change=change,
        draft_in_progress=summary["draft_assessment"] is not None,
        open_commitments=counts["planned"] + counts["in_progress"],
        overdue_commitments=counts["overdue"],
        done_commitments=counts["done"],
        champions=summary["champion_count"],
    )


# --------------------------------------------------------------------------- Learn


@dataclass(frozen=True)
class LearnSummary:
    assigned: int
    done: int
    overdue: int
    percent: float | None
    people: int  # people with at least one assignment


def learn_summary(organization: Organization) -> LearnSummary:
    summary = learn_selectors.completion_summary(organization=organization)
    total = summary.organization
    return LearnSummary(
        assigned=total.assigned,
        done=total.done,
        overdue=total.overdue,
        percent=total.percent,
        people=sum(1 for p in summary.people if p.assigned),
    )


# --------------------------------------------------------------------------- Data

DataSummary = api.HubSummary


def data_summary(organization: Organization) -> api.HubSummary:
    return api.hub_summary(organization)


# --------------------------------------------------------------------------- attention


@dataclass(frozen=True)
class AttentionItem:
    kind: str  # a short label: "Extract", "Commitment", ...
    text: str
    url: str
    detail: str = ""
    severity: str = "warning"  # "danger" for failures and overdue work


def attention_for(organization: Organization, membership: Membership) -> list[AttentionItem]:
    """What needs this viewer: extracts waiting or failed (those who manage data), their own
    overdue commitments and learning items."""
    items: list[AttentionItem] = []
    if membership.can(Capability.MANAGE_DATA):
        for extract in api.extracts_needing_analyst(organization, limit=ATTENTION_LIMIT):
            items.append(
                AttentionItem(
                    kind="Extract",
                    text=f"{extract.name}: {extract.status_label.lower()}",
                    url=_url(organization, "data_hub:extract_detail", pk=extract.id),
                    detail="Retry or fix the file" if extract.failed else "Finish it on its page",
                    severity="danger" if extract.failed else "warning",
                )
            )
    overdue = commit_selectors.commitment_list(
        organization=organization, owner_id=membership.pk, overdue=True
    )[:ATTENTION_LIMIT]
    for commitment in overdue:
        items.append(
            AttentionItem(
                kind="Commitment",
                text=commitment.statement,
                url=_url(organization, "commitments:commitment_detail", pk=commitment.pk),
                detail=f"Due {commitment.due_date:%-d %b %Y}",
                severity="danger",
            )
        )
    learning = [
        a
        for a in learn_selectors.assigned_items_for(
            organization=organization, membership=membership
        )
        if a.overdue
    ][:ATTENTION_LIMIT]
    for assigned in learning:
        items.append(
            AttentionItem(
                kind="Learning",
                text=assigned.item.resource.title,
                url=_url(organization, "learning:plan_detail", pk=assigned.item.plan_id),
                detail=f"Due {assigned.item.due_date:%-d %b %Y}",
            )
        )
    return items


# --------------------------------------------------------------------------- first steps


@dataclass(frozen=True)
class FirstStep:
    text: str
    url: str
    done: bool


def first_steps(
    organization: Organization, *, commit: CommitSummary, learn: LearnSummary, data: DataSummary
) -> list[FirstStep]:
    """The order the toolkit suggests for a new organization; shown until all are done."""
    return [
        FirstStep(
            "Take the readiness self-assessment",
            _url(organization, "commitments:assessment_list"),
            commit.latest_score is not None,
        ),
        FirstStep(
            "Name an equity champion",
            _url(organization, "commitments:champion_list"),
            commit.champions > 0,
        ),
        FirstStep(
            "Log a commitment with an owner and a date",
            _url(organization, "commitments:commitment_list"),
            commit.open_commitments + commit.done_commitments > 0,
        ),
        FirstStep(
            "Assign a learning plan",
            _url(organization, "learning:plan_list"),
            learn.assigned > 0,
        ),
        FirstStep(
            "Upload an EHR extract (analysts)",
            _url(organization, "data_hub:index"),
            data.processed_count > 0,
        ),
    ]


# --------------------------------------------------------------------------- overview


@dataclass
class Overview:
    commit: CommitSummary
    learn: LearnSummary
    data: DataSummary
    vision: steps45.VisionSummary
    improve: steps45.ImproveSummary
    priorities: list[steps45.PriorityGoal]
    attention: list[AttentionItem]
    first_steps: list[FirstStep]

    @property
    def getting_started(self) -> bool:
        return not all(step.done for step in self.first_steps)


def _organization_panels(organization: Organization) -> Overview:
    """What every viewer sees: the five steps' summaries and the priority goals."""
    commit = commit_summary(organization)
    learn = learn_summary(organization)
    data = data_summary(organization)
    return Overview(
        commit=commit,
        learn=learn,
        data=data,
        vision=steps45.vision_summary(organization),
        improve=steps45.improve_summary(organization),
        priorities=steps45.priority_goals(organization),
        attention=[],
        first_steps=first_steps(organization, commit=commit, learn=learn, data=data),
    )


def overview(organization: Organization, membership: Membership | None) -> Overview:
    """Every step's summary (the same for every viewer) and, with a viewer, what needs their
    attention: both memoized per content revision (core/revision.py)."""
    panels = revision.memoized(
        "overview", organization, (), lambda: _organization_panels(organization)
    )
    if membership is None:
        return panels
    attention = revision.memoized(
        "overview.attention",
        organization,
        (membership.pk, membership.role),
        lambda: (
            [
                AttentionItem(a.kind, a.text, a.url, a.detail, a.severity)
                for a in steps45.attention(organization, membership, panels.priorities)
            ]
            + attention_for(organization, membership)
        ),
    )
    return replace(panels, attention=attention)


# --------------------------------------------------------------------------- evidence


def requirement_list(organization: Organization, *, active_only: bool = True):
    requirements = EvidenceRequirement.objects.filter(organization=organization)
    if active_only:
        requirements = requirements.filter(is_active=True)
    return requirements.order_by("framework", "position", "code")


@dataclass(frozen=True)
class KindEvidence:
    key: str
    label: str
    registered: bool
    status: str
    summary: str
    items: tuple


@dataclass(frozen=True)
class RequirementEvidence:
    requirement: EvidenceRequirement
    status: str
    kinds: tuple[KindEvidence, ...]

    @property
    def status_label(self) -> str:
        return {MET: "Met", PARTLY: "Partly met", NONE: "No evidence"}[self.status]


def combine(statuses: list[str]) -> str:
    """Met when every mapped kind is met; partly when any shows some evidence."""
    if statuses and all(s == MET for s in statuses):
        return MET
    if any(s in (MET, PARTLY) for s in statuses):
        return PARTLY
    return NONE


def evidence_pack(organization: Organization) -> list[RequirementEvidence]:
    """Each active requirement with the evidence of its record kinds; every provider runs
    once however many requirements map to it."""
    providers = evidence_providers()
    requirements = list(requirement_list(organization))
    cache: dict[str, KindEvidence] = {}
    for kind in {k for r in requirements for k in r.evidence_kinds}:
        provider = providers.get(kind)
        if provider is None:
            cache[kind] = KindEvidence(
                kind, kind.replace("_", " ").capitalize(), False, NONE,
                "Not recorded by this installation yet.", (),
            )  # fmt: skip
            continue
        result = provider.collect(organization)
        cache[kind] = KindEvidence(
            kind, provider.label, True, result.status, result.summary, result.items
        )
    pack = []
    for requirement in requirements:
        kinds = tuple(cache[k] for k in requirement.evidence_kinds)
        pack.append(
            RequirementEvidence(
                requirement=requirement, status=combine([k.status for k in kinds]), kinds=kinds
            )
        )
    return pack
