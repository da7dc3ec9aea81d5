"""Evidence providers for the steps that exist, registered with the core's registry
(`equity_portal.core.evidence`) when the overview app starts. Each reads through its step's
selectors in a bounded number of queries and links to the records it found."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from commitments import selectors as commit_selectors
from data_hub import api
from equity_portal.core import selectors as core_selectors
from equity_portal.core.evidence import (
    MET,
    NONE,
    PARTLY,
    EvidenceItem,
    EvidenceResult,
    register_evidence_provider,
)
from equity_portal.core.models import Organization
from improvement import selectors as improve_selectors
from learning import selectors as learn_selectors
from vision import selectors as vision_selectors

from . import selectors, steps45

YEAR = timedelta(days=366)
BOARD_REPORT_ACTION = "board_report.download"
ITEMS_SHOWN = 20


def _url(organization: Organization, name: str, **kwargs) -> str:
    return reverse(name, kwargs={"org_slug": organization.slug, **kwargs})


def champion_named(organization: Organization) -> EvidenceResult:
    champions = list(commit_selectors.champion_list(organization=organization)[:ITEMS_SHOWN])
    items = tuple(
        EvidenceItem(
            label=c.membership.user.display_name,
            url=_url(organization, "commitments:champion_list"),
            detail=" · ".join(x for x in (c.department, c.focus_area) if x),
            date=c.named_on,
        )
        for c in champions
    )
    if not items:
        return EvidenceResult(NONE, "No equity champion is named yet.")
    return EvidenceResult(MET, f"{len(items)} equity champion(s) named.", items)


def self_assessment_completed(organization: Organization) -> EvidenceResult:
    assessments = list(
        commit_selectors.assessment_completed_list(organization=organization)[:ITEMS_SHOWN]
    )
    items = tuple(
        EvidenceItem(
            label=f"Self-assessment completed, score {a.overall_score}%"
            if a.overall_score is not None
            else "Self-assessment completed",
            url=_url(organization, "commitments:assessment_detail", pk=a.pk),
            date=a.completed_at.date() if a.completed_at else None,
        )
        for a in assessments
    )
    if not items:
        return EvidenceResult(NONE, "The readiness self-assessment has not been completed.")
    recent = assessments[0].completed_at and assessments[0].completed_at > timezone.now() - YEAR
    if recent:
        return EvidenceResult(MET, "The self-assessment was completed in the last year.", items)
    return EvidenceResult(PARTLY, "The last self-assessment is more than a year old.", items)


def commitments_logged(organization: Organization) -> EvidenceResult:
    commitments = list(commit_selectors.commitment_list(organization=organization)[:ITEMS_SHOWN])
    items = tuple(
        EvidenceItem(
            label=c.statement,
            url=_url(organization, "commitments:commitment_detail", pk=c.pk),
            detail=f"{c.get_status_display()}, owner {c.owner.user.display_name}",
            date=c.due_date,
        )
        for c in commitments
    )
    if not items:
        return EvidenceResult(NONE, "No commitment is logged.")
    active = [c for c in commitments if c.status in ("in_progress", "done")]
    if active:
        return EvidenceResult(MET, "Commitments are logged with owners and dates.", items)
    return EvidenceResult(PARTLY, "Commitments are logged but none has started.", items)


def learning_completion(organization: Organization) -> EvidenceResult:
    progress = learn_selectors.completion_summary(organization=organization).organization
    if not progress.assigned:
        return EvidenceResult(NONE, "No learning plan is assigned.")
    item = EvidenceItem(
        label=f"Learning completion {progress.done} of {progress.assigned} items "
        f"({progress.percent:.1f}%)",
        url=_url(organization, "learning:progress"),
    )
    status = MET if progress.done else PARTLY
    return EvidenceResult(status, "Learning plans are assigned and tracked.", (item,))


def stratified_extract(organization: Organization) -> EvidenceResult:
    data = selectors.data_summary(organization)
    latest = data.latest_extract
    if latest is None:
        return EvidenceResult(NONE, "No extract has been processed.")
    item = EvidenceItem(
        label=f"Processed extract {latest.name}",
        url=_url(organization, "results:explorer") + f"?extract={latest.id}",
        detail="Measures stratified by race, ethnicity, language and more",
        date=latest.processed_at.date() if latest.processed_at else None,
    )
    if latest.processed_at and latest.processed_at > timezone.now() - YEAR:
        return EvidenceResult(MET, "Stratified results from the last year.", (item,))
    return EvidenceResult(PARTLY, "The latest stratified results are over a year old.", (item,))


def real_completeness(organization: Organization) -> EvidenceResult:
    data = selectors.data_summary(organization)
    if data.latest_extract is None or not data.completeness:
        return EvidenceResult(NONE, "No data-quality report of REaL fields yet.")
    target = float(organization.completeness_target_percent)
    items = tuple(
        EvidenceItem(
            label=f"{c.label} known: "
            + ("suppressed" if c.percent_known is None else f"{c.percent_known:.1f}%"),
            url=_url(organization, "quality:report"),
            detail=f"{c.period_label}, target {target:.1f}%",
        )
        for c in data.completeness
    )
    met = all(c.percent_known is not None and c.percent_known >= target for c in data.completeness)
    if met:
        return EvidenceResult(MET, "Race, ethnicity and language are collected to target.", items)
    return EvidenceResult(PARTLY, "REaL data are collected, below target for some.", items)


def social_needs_measures(organization: Organization) -> EvidenceResult:
    items = tuple(
        EvidenceItem(label=name, url=_url(organization, "data_hub:measures"), detail=code)
        for code, name in api.social_need_measures(organization)
    )
    if not items:
        return EvidenceResult(NONE, "No social-needs screening measure is in a processed extract.")
    return EvidenceResult(MET, "Social-needs screening results are in the data hub.", items)


def board_report_downloaded(organization: Organization) -> EvidenceResult:
    events = list(
        core_selectors.audit_event_list(organization=organization, action=BOARD_REPORT_ACTION)[
            :ITEMS_SHOWN
        ]
    )
    items = tuple(
        EvidenceItem(
            label="Board report downloaded",
            url=_url(organization, "overview:report"),
            detail=e.actor_label,
            date=timezone.localtime(e.created_at).date(),
        )
        for e in events
    )
    if not items:
        return EvidenceResult(NONE, "No board report has been downloaded.")
    if events[0].created_at > timezone.now() - YEAR:
        return EvidenceResult(MET, "A board report was downloaded in the last year.", items)
    return EvidenceResult(PARTLY, "The last board report is more than a year old.", items)


def approved_vision(organization: Organization) -> EvidenceResult:
    vision = vision_selectors.approved_vision(organization)
    if vision is None:
        return EvidenceResult(NONE, "No vision statement is approved yet.")
    item = EvidenceItem(
        label=f"Vision statement, version {vision.version}",
        url=_url(organization, "vision:statement"),
        detail=vision.text[:200],
        date=timezone.localtime(vision.decided_at).date() if vision.decided_at else None,
    )
    return EvidenceResult(MET, "An approved vision names the organization's equity aims.", (item,))


def approved_charter(organization: Organization) -> EvidenceResult:
    charters = list(vision_selectors.charter_list(organization=organization)[:ITEMS_SHOWN])
    items = tuple(
        EvidenceItem(
            label=c.title,
            url=_url(organization, "vision:charter_detail", pk=c.pk),
            detail=f"{c.get_status_display()}, {c.goal_count} goal(s)",
            date=timezone.localtime(c.decided_at).date() if c.decided_at else None,
        )
        for c in charters
    )
    if not items:
        return EvidenceResult(NONE, "No charter (written action plan) yet.")
    if any(c.status == "approved" and c.goal_count for c in charters):
        return EvidenceResult(MET, "An approved charter with goals on a disparity.", items)
    return EvidenceResult(PARTLY, "Charters are drafted but none with goals is approved.", items)


def leader_approvals(organization: Organization) -> EvidenceResult:
    decided = [
        c
        for c in vision_selectors.charter_list(organization=organization)[:ITEMS_SHOWN]
        if c.decided_by_id and c.status == "approved"
    ]
    items = tuple(
        EvidenceItem(
            label=f"{c.title} approved",
            url=_url(organization, "vision:charter_detail", pk=c.pk),
            date=timezone.localtime(c.decided_at).date() if c.decided_at else None,
        )
        for c in decided
    )
    if not items:
        return EvidenceResult(NONE, "No charter has been approved by a leader.")
    return EvidenceResult(MET, "Leaders approve the equity charters.", items)


def pdsa_cycles(organization: Organization) -> EvidenceResult:
    cycles = list(
        improve_selectors.cycle_list(organization=organization).order_by("-start_date")[
            :ITEMS_SHOWN
        ]
    )
    items = tuple(
        EvidenceItem(
            label=f"{c.campaign.name}, PDSA {c.number}: {c.change_idea}",
            url=_url(organization, "improvement:cycle_detail", pk=c.pk),
            date=c.start_date,
        )
        for c in cycles
    )
    if not items:
        return EvidenceResult(NONE, "No PDSA cycle is recorded.")
    return EvidenceResult(MET, "Improvement cycles test changes on equity goals.", items)


def goal_responses(organization: Organization) -> EvidenceResult:
    """Action when goals are not achieved or sustained: every flag answered is met; a flag
    without a response is partly met; no flag and no response is no evidence yet."""
    rows = steps45.priority_goals(organization)
    flags = [f for row in rows for f in row.flags]
    items = tuple(
        EvidenceItem(
            label=f"{row.goal.title}: {flag.label.lower()}",
            url=row.url,
            detail="Response recorded" if not flag.open else "Response still owed",
            date=flag.period_start,
        )
        for row in rows
        for flag in row.flags
    )
    if not flags:
        return EvidenceResult(NONE, "No goal has been flagged as not met or not sustained.")
    if all(not f.open for f in flags):
        return EvidenceResult(MET, "Every flagged goal has a recorded response.", items)
    return EvidenceResult(PARTLY, "Some flagged goals still wait for a response.", items)


def register_all() -> None:
    providers = [
        ("champion_named", "Equity champion named", "commit", champion_named),
        ("self_assessment_completed", "Self-assessment completed", "commit",
         self_assessment_completed),
        ("commitments_logged", "Commitments with owners and dates", "commit",
         commitments_logged),
        ("learning_completion", "Learning plans tracked", "learn", learning_completion),
        ("stratified_extract", "Processed stratified extract", "data", stratified_extract),
        ("real_completeness", "REaL data completeness", "data", real_completeness),
        ("social_needs_measures", "Social-needs measures in extracts", "data",
         social_needs_measures),
        ("board_report_downloaded", "Board report downloaded", "overview",
         board_report_downloaded),
        ("approved_vision", "Approved vision statement", "vision", approved_vision),
        ("approved_charter", "Approved charter (action plan)", "vision", approved_charter),
        ("leader_approvals", "Charters approved by leaders", "vision", leader_approvals),
        ("pdsa_cycles", "PDSA cycles recorded", "improve", pdsa_cycles),
        ("goal_responses", "Responses to goals not met or sustained", "improve",
         goal_responses),
    ]  # fmt: skip
    for key, label, step, collect in providers:
        register_evidence_provider(key, label=label, step=step, collect=collect)
