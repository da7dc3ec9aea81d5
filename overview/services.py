"""Writes of the overview: the evidence requirements (seeded, edited by admins) and board
reports (built by a job, downloads audited)."""

from __future__ import annotations

import logging
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django_scopes import scope, scopes_disabled

from equity_portal.core import revision
from equity_portal.core.audit import audit_record
from equity_portal.core.evidence import evidence_providers
from equity_portal.core.jobs import job_claim, job_create, job_finish, job_progress
from equity_portal.core.models import Job, Organization, User

from .models import BoardReport, EvidenceRequirement
from .report import report_content
from .requirements import DEFAULT_REQUIREMENTS

logger = logging.getLogger(__name__)

BOARD_REPORT_JOB = "board_report"


@transaction.atomic
def requirements_seed_defaults(*, organization: Organization) -> int:
    """Add today's requirements the organization does not have (by code). Idempotent: an
    edited or retired requirement is never overwritten."""
    existing = set(
        EvidenceRequirement.objects.filter(organization=organization).values_list("code", flat=True)
    )
    new = [
        EvidenceRequirement(organization=organization, position=position, **spec)
        for position, spec in enumerate(DEFAULT_REQUIREMENTS)
        if spec["code"] not in existing
    ]
    EvidenceRequirement.objects.bulk_create(new)
    revision.bump(organization.pk)  # bulk_create sends no signal
    return len(new)


def _validate_kinds(kinds: list[str], *, kept: list[str]) -> list[str]:
    """Registered kinds only, but a kind the requirement already maps to stays allowed even
    when its app is not installed (the mapping waits for it)."""
    known = set(evidence_providers()) | set(kept)
    unknown = [k for k in kinds if k not in known]
    if unknown:
        raise ValidationError(f"Unknown record kinds: {', '.join(unknown)}.")
    return list(dict.fromkeys(kinds))


@transaction.atomic
def requirement_save(
    *,
    organization: Organization,
    actor: User,
    requirement: EvidenceRequirement | None = None,
    framework: str,
    code: str,
    title: str,
    description: str,
    evidence_kinds: list[str],
    is_active: bool = True,
) -> EvidenceRequirement:
    """Create or edit a requirement and its mapping to record kinds (audited)."""
    code = code.strip()
    clash = EvidenceRequirement.objects.filter(organization=organization, code=code)
    if requirement is not None:
        clash = clash.exclude(pk=requirement.pk)
    if clash.exists():
        raise ValidationError(f"A requirement with code {code} exists already.")
    created = requirement is None
    kept = [] if created else list(requirement.evidence_kinds)
    if created:
        position = EvidenceRequirement.objects.filter(organization=organization).count()
        requirement = EvidenceRequirement(organization=organization, position=position)
    requirement.framework = framework
    requirement.code = code
    requirement.title = title.strip()
    requirement.description = description.strip()
    requirement.evidence_kinds = _validate_kinds(evidence_kinds, kept=kept)
    requirement.is_active = is_active
    requirement.updated_by = actor
    requirement.full_clean(exclude=["organization", "updated_by"])
    requirement.save()
    audit_record(
        organization=organization,
        actor=actor,
        action="evidence_requirement.create" if created else "evidence_requirement.update",
        obj=requirement,
        details={"code": code, "evidence_kinds": requirement.evidence_kinds},
    )
    return requirement


# --------------------------------------------------------------------------- board report


@transaction.atomic
def board_report_request(
    *, organization: Organization, actor: User, period_from: date | None, period_to: date | None
) -> BoardReport:
    """A board report to build in the background; the job's progress shows on the page."""
    job = job_create(
        organization=organization, kind=BOARD_REPORT_JOB, created_by=actor, object_type="report"
    )
    report = BoardReport.objects.create(
        organization=organization,
        job=job,
        period_from=period_from,
        period_to=period_to,
        created_by=actor,
    )
    Job.objects.filter(pk=job.pk).update(object_id=str(report.pk))
    audit_record(organization=organization, actor=actor, action="board_report.request", obj=report)
    from .tasks import board_report_build_task  # the task module imports this one

    transaction.on_commit(lambda: board_report_build_task.delay(report.pk))
    return report


def board_report_record_download(
    *, organization: Organization, actor: User, report: BoardReport | None, file_format: str
) -> None:
    """Every download (PDF or printable page) is evidence that leaders were informed."""
    audit_record(
        organization=organization,
        actor=actor,
        action="board_report.download",
        obj=report,
        details={"format": file_format},
    )


def board_report_build(*, report_id: int, take_over: bool = False) -> None:
    """Build a requested board report's PDF (the job's progress shows on the page). A second
    delivery of the same task finds the job claimed and does nothing."""
    with scopes_disabled():
        report = BoardReport.objects.select_related("organization").get(pk=report_id)
    if report.job_id is None or not job_claim(job_id=report.job_id, allow_stale_running=take_over):
        return
    job_id = report.job_id
    try:
        with scope(organization=report.organization):
            content = report_content(
                report.organization, period_from=report.period_from, period_to=report.period_to
            )
            from .pdf import board_report_pdf  # reportlab loads with the first report

            pdf = board_report_pdf(
                content,
                progress=lambda phase, percent: job_progress(
                    job_id=job_id, phase=phase, percent=percent
                ),
            )
            BoardReport.objects.filter(pk=report.pk).update(pdf=pdf)
    except Exception:
        logger.exception("board report %s failed", report_id)
        job_finish(
            job_id=job_id,
            status=Job.Status.FAILED,
            message="The report could not be built. Try again; if it fails again, tell an "
            "administrator.",
        )
        return
    job_finish(job_id=job_id, status=Job.Status.SUCCEEDED, message="The board report is ready.")


def evidence_pack_record_export(
    *, organization: Organization, actor: User, file_format: str, requirements: int
) -> None:
    audit_record(
        organization=organization,
        actor=actor,
        action="evidence_pack.export",
        details={"format": file_format, "requirements": requirements},
    )
