"""Writes of the Vision step. Each is keyword-only, atomic, validated before saving and audited in
the same transaction. The data hub is read only through `data_hub.api`.

Review workflow (vision statements and charters): draft -> submitted -> approved, or returned
with a required comment, then edited and submitted again. Only members whose role may APPROVE
(leaders and administrators, core/roles.py) approve or return. An approved charter is read-only;
`charter_revise` starts a new revision that goes through approval again, and approving it
supersedes the previous one. Every charter transition is an audit event on the charter, which
the charter's history lists.
"""

from __future__ import annotations

import uuid
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from data_hub import api
from equity_portal.core import revision as content_revision
from equity_portal.core.audit import audit_record
from equity_portal.core.models import Membership, Organization, Team, User
from equity_portal.core.roles import Capability

from .models import (
    EDITABLE_STATUSES,
    Aim,
    Charter,
    CharterGoal,
    CharterMeasure,
    CharterMilestone,
    CharterPartner,
    CommunityPartner,
    PartnerKind,
    PriorityInequity,
    PriorityStatus,
    ReviewStatus,
    VisionStatement,
)

GRANULARITIES = ("month", "quarter", "year")

CHARTER_TEXT_FIELDS = (
    "title",
    "problem_statement",
    "background",
    "global_aim",
    "scope_in",
    "scope_out",
    "population_of_focus",
    "patient_family_voice",
    "change_ideas",
    "risks",
)
CHARTER_PEOPLE_FIELDS = ("sponsor", "lead", "improvement_advisor")


# ---------------------------------------------------------------- helpers


def _membership(organization: Organization, actor: User | None) -> Membership | None:
    if actor is None or not actor.pk:
        return None
    return Membership.objects.filter(user=actor, organization=organization).first()


def _require_approver(organization: Organization, actor: User | None) -> None:
    membership = _membership(organization, actor)
    if membership is None or not membership.can(Capability.APPROVE):
        raise ValidationError("Only leaders and administrators can approve or return.")


def _require_active_member(organization: Organization, membership: Membership, what: str) -> None:
    if membership.organization_id != organization.pk or not membership.is_active:
        raise ValidationError(
            f"{what} must be an active member of {organization.name}; "
            f"{membership.user.display_name} is not."
        )


def _require_same_org(organization: Organization, obj, what: str) -> None:
    if obj.organization_id != organization.pk:
        raise ValidationError(f"{what} belongs to another organization.")


def _existing(model, organization: Organization, submission_id: uuid.UUID | None):
    if submission_id is None:
        return None
    return model.objects.filter(organization=organization, submission_id=submission_id).first()


def _require_comment(comment: str) -> str:
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError("Say what needs to change: a comment is required when returning.")
    return comment


# ---------------------------------------------------------------- vision statement


@transaction.atomic
def vision_statement_create(
    *, organization: Organization, actor: User | None, text: str
) -> VisionStatement:
    """A new version (a draft). Refused while another version is still open (draft, returned or
    submitted): edit that one instead."""
    if not text.strip():
        raise ValidationError("Write the vision statement first.")
    open_version = (
        VisionStatement.objects.select_for_update()
        .filter(organization=organization)
        .exclude(status=ReviewStatus.APPROVED)
        .first()
    )
    if open_version is not None:
        raise ValidationError(
            f"Version {open_version.version} is still {open_version.get_status_display().lower()}"
            ": edit or decide on it before starting another."
        )
    last = VisionStatement.objects.filter(organization=organization).aggregate(v=Max("version"))
    statement = VisionStatement.objects.create(
        organization=organization,
        version=(last["v"] or 0) + 1,
        text=text.strip(),
        created_by=actor if actor is not None and actor.pk else None,
    )
    audit_record(
        organization=organization,
        actor=actor,
        action="vision_statement.create",
        obj=statement,
        details={"version": statement.version},
    )
    return statement


@transaction.atomic
def vision_statement_update(
    *, statement: VisionStatement, actor: User | None, text: str
) -> VisionStatement:
    statement.refresh_from_db(fields=["status"])
    if not statement.is_editable:
        raise ValidationError(
            f"Version {statement.version} is {statement.get_status_display().lower()}: "
            "start a new version to change it."
        )
    if not text.strip():
        raise ValidationError("Write the vision statement first.")
    statement.text = text.strip()
    statement.save(update_fields=["text", "updated_at"])
    audit_record(
        organization=statement.organization,
        actor=actor,
        action="vision_statement.update",
        obj=statement,
        details={"version": statement.version},
    )
    return statement


@transaction.atomic
def vision_statement_submit(*, statement: VisionStatement, actor: User | None) -> VisionStatement:
    statement.refresh_from_db(fields=["status"])
    if statement.status not in EDITABLE_STATUSES:
        raise ValidationError("Only a draft or a returned version can be submitted.")
    statement.status = ReviewStatus.SUBMITTED
    statement.submitted_by = actor if actor is not None and actor.pk else None
    statement.submitted_at = timezone.now()
    statement.save(update_fields=["status", "submitted_by", "submitted_at", "updated_at"])
    audit_record(
        organization=statement.organization,
        actor=actor,
        action="vision_statement.submit",
        obj=statement,
        details={"version": statement.version},
    )
    return statement


def _decide_statement(statement, actor, status, comment, action) -> VisionStatement:
    _require_approver(statement.organization, actor)
    statement.refresh_from_db(fields=["status"])
    if statement.status != ReviewStatus.SUBMITTED:
        raise ValidationError("Only a submitted version can be approved or returned.")
    statement.status = status
    statement.comment = comment
    statement.decided_by = actor
    statement.decided_at = timezone.now()
    statement.save(update_fields=["status", "comment", "decided_by", "decided_at", "updated_at"])
    audit_record(
        organization=statement.organization,
        actor=actor,
        action=action,
        obj=statement,
        details={"version": statement.version, "comment": comment},
    )
    return statement


@transaction.atomic
def vision_statement_approve(
    *, statement: VisionStatement, actor: User, comment: str = ""
) -> VisionStatement:
    return _decide_statement(
        statement, actor, ReviewStatus.APPROVED, comment.strip(), "vision_statement.approve"
    )


@transaction.atomic
def vision_statement_return(
    *, statement: VisionStatement, actor: User, comment: str
) -> VisionStatement:
    return _decide_statement(
        statement,
        actor,
        ReviewStatus.RETURNED,
        _require_comment(comment),
        "vision_statement.return",
    )


# ---------------------------------------------------------------- priority inequities


def _json(value):
    """Dates and datetimes as ISO text, so a snapshot can be stored as JSON."""
    if isinstance(value, dict):
        return {k: _json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


@transaction.atomic
def priority_create(
    *,
    organization: Organization,
    actor: User | None,
    measure: str,
    dimension: str,
    group: str,
    reference_group: str = "",
    rationale: str = "",
    submission_id: uuid.UUID | None = None,
) -> PriorityInequity:
    """Choose a disparity of the data hub as a priority (status proposed). The snapshot is the
    latest published period of the group against its reference group, with provenance."""
    if existing := _existing(PriorityInequity, organization, submission_id):
        return existing
    live = PriorityInequity.objects.filter(
        organization=organization, measure=measure, dimension=dimension, group=group
    ).exclude(status=PriorityStatus.RETIRED)
    if live.exists():
        raise ValidationError(f"“{group}” on this measure and dimension is already a priority.")
    table = api.group_results(organization, measure, dimension)
    if table is None:
        raise ValidationError(
            "The data hub has no published result for this measure and dimension."
        )
    row = table.row(group)
    if row is None:
        raise ValidationError(f"The latest results have no group “{group}”.")
    reference_group = reference_group or row.reference_group or table.reference_group or ""
    if not reference_group:
        raise ValidationError("This group has no reference group to be compared with.")
    if reference_group == group:
        raise ValidationError("The reference group cannot be a priority against itself.")
    snapshot = api.baseline_snapshot(organization, measure, dimension, group, reference_group)
    if snapshot is None:
        raise ValidationError("The data hub has no published result for this group.")
    priority = PriorityInequity.objects.create(
        organization=organization,
        measure=measure,
        dimension=dimension,
        group=group,
        reference_group=reference_group,
        measure_name=table.measure_name,
        dimension_label=table.dimension_label,
        snapshot=_json(snapshot.as_dict()) | {"direction": table.direction},
        rationale=rationale.strip(),
        chosen_by=actor if actor is not None and actor.pk else None,
        submission_id=submission_id,
    )
    audit_record(
        organization=organization,
        actor=actor,
        action="priority.create",
        obj=priority,
        details={"key": priority.key, "reference_group": reference_group},
    )
    return priority


@transaction.atomic
def priority_update(
    *, priority: PriorityInequity, actor: User | None, rationale: str
) -> PriorityInequity:
    priority.rationale = rationale.strip()
    priority.save(update_fields=["rationale"])
    audit_record(
        organization=priority.organization,
        actor=actor,
        action="priority.update",
        obj=priority,
        details={"key": priority.key},
    )
    return priority


@transaction.atomic
def priority_set_status(
    *, priority: PriorityInequity, actor: User | None, status: str
) -> PriorityInequity:
    """Adopt, retire or re-propose a priority: a leadership decision (APPROVE capability)."""
    if status not in PriorityStatus.values:
        raise ValidationError(f"Unknown status: {status!r}.")
    _require_approver(priority.organization, actor)
    if status == priority.status:
        return priority
    if priority.status == PriorityStatus.RETIRED:
        clash = (
            PriorityInequity.objects.filter(
                organization=priority.organization,
                measure=priority.measure,
                dimension=priority.dimension,
                group=priority.group,
            )
            .exclude(status=PriorityStatus.RETIRED)
            .exclude(pk=priority.pk)
        )
        if clash.exists():
            raise ValidationError("This disparity is already a priority again.")
    before = priority.status
    priority.status = status
    priority.status_changed_at = timezone.now()
    priority.save(update_fields=["status", "status_changed_at"])
    audit_record(
        organization=priority.organization,
        actor=actor,
        action=f"priority.{'adopt' if status == 'adopted' else status.removesuffix('d')}",
        obj=priority,
        details={"key": priority.key, "from": before, "to": status},
    )
    return priority


# ---------------------------------------------------------------- community partners


def _validate_partner(organization, *, name, kind, contact_email, pk=None) -> None:
    if not name.strip():
        raise ValidationError("A partner needs a name.")
    if kind not in PartnerKind.values:
        raise ValidationError(f"Unknown kind of partner: {kind!r}.")
    clash = CommunityPartner.objects.filter(organization=organization, name__iexact=name.strip())
    if pk is not None:
        clash = clash.exclude(pk=pk)
    if clash.exists():
        raise ValidationError(f"There is already a partner called “{name.strip()}”.")
    if contact_email:
        from django.core.validators import validate_email

        validate_email(contact_email)


PARTNER_FIELDS = (
    "name",
    "kind",
    "contact_name",
    "contact_email",
    "contact_phone",
    "description",
    "community_data_url",
)


def _partner_values(fields: dict) -> dict:
    unknown = set(fields) - set(PARTNER_FIELDS)
    if unknown:
        raise ValidationError(f"Not a partner field: {', '.join(sorted(unknown))}.")
    return {k: (v or "").strip() for k, v in fields.items()}


@transaction.atomic
def partner_create(
    *,
    organization: Organization,
    actor: User | None,
    submission_id: uuid.UUID | None = None,
    **fields,
) -> CommunityPartner:
    if existing := _existing(CommunityPartner, organization, submission_id):
        return existing
    values = _partner_values(fields)
    _validate_partner(
        organization,
        name=values.get("name", ""),
        kind=values.get("kind", ""),
        contact_email=values.get("contact_email", ""),
    )
    partner = CommunityPartner.objects.create(
        organization=organization, submission_id=submission_id, **values
    )
    audit_record(
        organization=organization,
        actor=actor,
        action="community_partner.create",
        obj=partner,
        details={"name": partner.name, "kind": partner.kind},
    )
    return partner


@transaction.atomic
def partner_update(*, partner: CommunityPartner, actor: User | None, **fields) -> CommunityPartner:
    values = _partner_values(fields)
    merged = {f: getattr(partner, f) for f in PARTNER_FIELDS} | values
    _validate_partner(
        partner.organization,
        name=merged["name"],
        kind=merged["kind"],
        contact_email=merged["contact_email"],
        pk=partner.pk,
    )
    for field, value in values.items():
        setattr(partner, field, value)
    partner.save(update_fields=list(values))
    audit_record(
        organization=partner.organization,
        actor=actor,
        action="community_partner.update",
        obj=partner,
        details={"name": partner.name, "fields": sorted(values)},
    )
    return partner


# ---------------------------------------------------------------- charters


def _validate_charter_people(organization: Organization, team: Team, people: dict) -> None:
    _require_same_org(organization, team, "The team")
    for field in CHARTER_PEOPLE_FIELDS:
        member = people.get(field)
        if member is not None:
            _require_active_member(organization, member, f"The {field.replace('_', ' ')}")
    sponsor = people.get("sponsor")
    if sponsor is not None and not sponsor.can(Capability.APPROVE):
        raise ValidationError("The sponsor must be a leader (or an administrator).")


def _lock(charter: Charter) -> Charter:
    """Lock the charter's row and bring the caller's instance up to date with its workflow
    state, so a decision taken meanwhile (or through another instance) is never missed."""
    fresh = Charter.objects.select_for_update().get(pk=charter.pk)
    charter.status, charter.superseded_at = fresh.status, fresh.superseded_at
    return charter


def _require_editable(charter: Charter) -> None:
    _lock(charter)
    if charter.superseded_at is not None:
        raise ValidationError("This revision was superseded by a newer one: it is read-only.")
    if charter.status == ReviewStatus.APPROVED:
        raise ValidationError(
            "An approved charter is read-only: start a new revision to change it."
        )
    if charter.status == ReviewStatus.SUBMITTED:
        raise ValidationError("The charter is waiting for approval: it cannot be changed now.")


def _charter_event(charter: Charter, actor: User | None, action: str, **details) -> None:
    audit_record(
        organization=charter.organization,
        actor=actor,
        action=f"charter.{action}",
        obj=charter,
        details={"revision": charter.revision, **details},
    )


@transaction.atomic
def charter_create(
    *,
    organization: Organization,
    actor: User | None,
    title: str,
    team: Team,
    submission_id: uuid.UUID | None = None,
    **fields,
) -> Charter:
    if existing := _existing(Charter, organization, submission_id):
        return existing
    unknown = set(fields) - set(CHARTER_TEXT_FIELDS) - set(CHARTER_PEOPLE_FIELDS)
    if unknown:
        raise ValidationError(f"Not a charter field: {', '.join(sorted(unknown))}.")
    if not title.strip():
        raise ValidationError("A charter needs a title.")
    people = {f: fields.get(f) for f in CHARTER_PEOPLE_FIELDS}
    # The team's sponsor and lead are the charter's unless the form names others.
    people["sponsor"] = people["sponsor"] or team.executive_sponsor
    people["lead"] = people["lead"] or team.lead
    _validate_charter_people(organization, team, people)
    charter = Charter.objects.create(
        organization=organization,
        title=title.strip(),
        team=team,
        created_by=actor if actor is not None and actor.pk else None,
        submission_id=submission_id,
        **{f: (fields.get(f) or "").strip() for f in CHARTER_TEXT_FIELDS if f != "title"},
        **people,
    )
    _charter_event(charter, actor, "create", title=charter.title, team=team.name)
    return charter


@transaction.atomic
def charter_update(*, charter: Charter, actor: User | None, team: Team, **fields) -> Charter:
    _require_editable(charter)
    unknown = set(fields) - set(CHARTER_TEXT_FIELDS) - set(CHARTER_PEOPLE_FIELDS)
    if unknown:
        raise ValidationError(f"Not a charter field: {', '.join(sorted(unknown))}.")
    if "title" in fields and not (fields["title"] or "").strip():
        raise ValidationError("A charter needs a title.")
    people = {f: fields.get(f, getattr(charter, f)) for f in CHARTER_PEOPLE_FIELDS}
    _validate_charter_people(charter.organization, team, people)
    changed = []
    for field in CHARTER_TEXT_FIELDS:
        if field in fields:
            value = (fields[field] or "").strip()
            if getattr(charter, field) != value:
                setattr(charter, field, value)
                changed.append(field)
    for field, member in people.items():
        if getattr(charter, f"{field}_id") != (member.pk if member else None):
            setattr(charter, field, member)
            changed.append(field)
    if charter.team_id != team.pk:
        charter.team = team
        changed.append("team")
    charter.save()
    _charter_event(charter, actor, "update", fields=changed)
    return charter


@transaction.atomic
def charter_submit(*, charter: Charter, actor: User | None) -> Charter:
    _lock(charter)
    if charter.status not in EDITABLE_STATUSES or charter.superseded_at is not None:
        raise ValidationError("Only a draft or a returned charter can be submitted.")
    if not charter.goals.exists():
        raise ValidationError("Add at least one SMART goal before submitting the charter.")
    charter.status = ReviewStatus.SUBMITTED
    charter.submitted_by = actor if actor is not None and actor.pk else None
    charter.submitted_at = timezone.now()
    charter.save(update_fields=["status", "submitted_by", "submitted_at", "updated_at"])
    _charter_event(charter, actor, "submit")
    return charter


@transaction.atomic
def charter_approve(*, charter: Charter, actor: User, comment: str = "") -> Charter:
    _require_approver(charter.organization, actor)
    _lock(charter)
    if charter.status != ReviewStatus.SUBMITTED:
        raise ValidationError("Only a submitted charter can be approved.")
    now = timezone.now()
    charter.status = ReviewStatus.APPROVED
    charter.review_comment = comment.strip()
    charter.decided_by = actor
    charter.decided_at = now
    charter.save(
        update_fields=["status", "review_comment", "decided_by", "decided_at", "updated_at"]
    )
    _charter_event(charter, actor, "approve", comment=charter.review_comment)
    # The revisions it replaces are superseded (read-only, no longer current).
    older = Charter.objects.filter(
        organization=charter.organization,
        lineage=charter.lineage,
        revision__lt=charter.revision,
        superseded_at__isnull=True,
    )
    for previous in older:
        previous.superseded_at = now
        previous.save(update_fields=["superseded_at", "updated_at"])
        _charter_event(previous, actor, "supersede", by_revision=charter.revision)
    return charter


@transaction.atomic
def charter_return(*, charter: Charter, actor: User, comment: str) -> Charter:
    _require_approver(charter.organization, actor)
    comment = _require_comment(comment)
    _lock(charter)
    if charter.status != ReviewStatus.SUBMITTED:
        raise ValidationError("Only a submitted charter can be returned.")
    charter.status = ReviewStatus.RETURNED
    charter.review_comment = comment
    charter.decided_by = actor
    charter.decided_at = timezone.now()
    charter.save(
        update_fields=["status", "review_comment", "decided_by", "decided_at", "updated_at"]
    )
    _charter_event(charter, actor, "return", comment=comment)
    return charter


@transaction.atomic
def charter_revise(*, charter: Charter, actor: User | None) -> Charter:
    """A new draft revision of an approved charter: every field, goal (with its baseline and
    lineage), measure, milestone and partner role is copied; the approved revision stays in force
    until the new one is approved."""
    _lock(charter)
    if charter.status != ReviewStatus.APPROVED or charter.superseded_at is not None:
        raise ValidationError("Only the approved, current revision can be revised.")
    pending = Charter.objects.filter(
        organization=charter.organization, lineage=charter.lineage, revision__gt=charter.revision
    ).first()
    if pending is not None:
        raise ValidationError(f"Revision {pending.revision} is already under way.")
    new = Charter.objects.create(
        organization=charter.organization,
        team=charter.team,
        lineage=charter.lineage,
        revision=charter.revision + 1,
        parent=charter,
        created_by=actor if actor is not None and actor.pk else None,
        **{f: getattr(charter, f) for f in CHARTER_TEXT_FIELDS},
        **{f: getattr(charter, f) for f in CHARTER_PEOPLE_FIELDS},
    )
    goal_fields = [
        f.name
        for f in CharterGoal._meta.concrete_fields
        if f.name not in ("id", "charter", "created_at", "updated_at")
    ]
    CharterGoal.objects.bulk_create(
        CharterGoal(charter=new, **{f: getattr(g, f) for f in goal_fields})
        for g in charter.goals.all()
    )
    CharterMeasure.objects.bulk_create(
        CharterMeasure(
            organization=m.organization,
            charter=new,
            kind=m.kind,
            name=m.name,
            numerator=m.numerator,
            denominator=m.denominator,
            source=m.source,
            frequency=m.frequency,
        )
        for m in charter.measures.all()
    )
    CharterMilestone.objects.bulk_create(
        CharterMilestone(
            organization=m.organization, charter=new, title=m.title, due_date=m.due_date
        )
        for m in charter.milestones.all()
    )
    CharterPartner.objects.bulk_create(
        CharterPartner(organization=p.organization, charter=new, partner=p.partner, role=p.role)
        for p in charter.partner_roles.all()
    )
    content_revision.bump(new.organization_id)  # bulk_create sends no signal
    _charter_event(charter, actor, "revise", new_revision=new.revision)
    _charter_event(new, actor, "create", title=new.title, revision_of=charter.revision)
    return new


# ---------------------------------------------------------------- charter parts


@transaction.atomic
def charter_measure_add(
    *,
    charter: Charter,
    actor: User | None,
    kind: str,
    name: str,
    numerator: str = "",
    denominator: str = "",
    source: str = "",
    frequency: str = "",
) -> CharterMeasure:
    _require_editable(charter)
    if kind not in CharterMeasure.Kind.values:
        raise ValidationError("A charter measure is a process or a balancing measure.")
    if not name.strip():
        raise ValidationError("A measure needs a name.")
    measure = CharterMeasure.objects.create(
        organization=charter.organization,
        charter=charter,
        kind=kind,
        name=name.strip(),
        numerator=numerator.strip(),
        denominator=denominator.strip(),
        source=source.strip(),
        frequency=frequency.strip(),
    )
    _charter_event(charter, actor, "measure_add", measure=measure.name, kind=kind)
    return measure


@transaction.atomic
def charter_measure_remove(*, measure: CharterMeasure, actor: User | None) -> None:
    _require_editable(measure.charter)
    _charter_event(measure.charter, actor, "measure_remove", measure=measure.name)
    measure.delete()


@transaction.atomic
def charter_milestone_add(
    *, charter: Charter, actor: User | None, title: str, due_date: date | None
) -> CharterMilestone:
    _require_editable(charter)
    if not title.strip():
        raise ValidationError("A milestone needs a title.")
    if due_date is None:
        raise ValidationError("A milestone needs a date.")
    milestone = CharterMilestone.objects.create(
        organization=charter.organization, charter=charter, title=title.strip(), due_date=due_date
    )
    _charter_event(
        charter, actor, "milestone_add", milestone=milestone.title, due=due_date.isoformat()
    )
    return milestone


@transaction.atomic
def charter_milestone_remove(*, milestone: CharterMilestone, actor: User | None) -> None:
    _require_editable(milestone.charter)
    _charter_event(milestone.charter, actor, "milestone_remove", milestone=milestone.title)
    milestone.delete()


@transaction.atomic
def charter_partner_set(
    *, charter: Charter, actor: User | None, partner: CommunityPartner, role: str
) -> CharterPartner:
    _require_editable(charter)
    _require_same_org(charter.organization, partner, "The partner")
    link, created = CharterPartner.objects.update_or_create(
        charter=charter,
        partner=partner,
        defaults={"organization": charter.organization, "role": role.strip()},
    )
    _charter_event(
        charter, actor, "partner_add" if created else "partner_update", partner=partner.name
    )
    return link


@transaction.atomic
def charter_partner_remove(*, link: CharterPartner, actor: User | None) -> None:
    _require_editable(link.charter)
    _charter_event(link.charter, actor, "partner_remove", partner=link.partner.name)
    link.delete()


# ---------------------------------------------------------------- SMART goals


def _best_group(organization: Organization, goal: CharterGoal, period: date | None):
    """(group, rate) of the best compared, shown group in the baseline period."""
    table = api.group_results(organization, goal.measure, goal.dimension, period=period)
    if table is None:
        return "", None
    shown = [r for r in table.rows if r.compared and not r.suppressed and r.rate is not None]
    if not shown:
        return "", None
    pick = max if table.direction == "higher" else min
    best = pick(shown, key=lambda r: r.rate)
    return best.group, best.rate


BASELINE_NUMBERS = (
    "numerator",
    "denominator",
    "rate",
    "rate_lower",
    "rate_upper",
    "reference_rate",
    "difference",
    "difference_lower",
    "difference_upper",
    "ratio",
    "ratio_lower",
    "ratio_upper",
)


def _apply_baseline(goal: CharterGoal, snapshot) -> None:
    """Store the snapshot (JSON) and copy the numbers exports need; None if no data."""
    if snapshot is None:
        goal.baseline = {}
        goal.baseline_taken_at = None
        goal.baseline_period_start = None
        goal.baseline_period_label = ""
        goal.baseline_extract_id = None
        goal.baseline_suppressed = False
        for name in BASELINE_NUMBERS:
            setattr(goal, f"baseline_{name}", None)
        goal.baseline_best_group, goal.baseline_best_rate = "", None
        return
    goal.baseline = _json(snapshot.as_dict())
    goal.baseline_taken_at = timezone.now()
    goal.baseline_period_start = snapshot.period_start
    goal.baseline_period_label = snapshot.period_label
    goal.baseline_extract_id = snapshot.extract_id
    goal.baseline_suppressed = snapshot.suppressed
    for name in BASELINE_NUMBERS:
        setattr(goal, f"baseline_{name}", getattr(snapshot, name))
    goal.baseline_best_group, goal.baseline_best_rate = _best_group(
        goal.organization, goal, snapshot.period_start
    )


def _validate_goal(*, aim: str, target_value, target_date, granularity: str) -> None:
    if aim not in Aim.values:
        raise ValidationError("The aim is a rate, a difference or a ratio.")
    if target_value is None:
        raise ValidationError("The goal needs a target.")
    if aim == "rate" and not 0 <= target_value <= 1:
        raise ValidationError("A target rate is between 0% and 100%.")
    if aim == "ratio" and target_value <= 0:
        raise ValidationError("A target ratio is above 0.")
    if aim == "difference" and not -1 <= target_value <= 1:
        raise ValidationError("A target difference is between -100 and 100 percentage points.")
    if target_date is None:
        raise ValidationError("The goal needs a target date (Time-bound).")
    if granularity not in GRANULARITIES:
        raise ValidationError("Measure monthly, quarterly or yearly.")


@transaction.atomic
def goal_create(
    *,
    charter: Charter,
    actor: User | None,
    priority: PriorityInequity,
    title: str,
    aim: str,
    target_value: float,
    target_date: date,
    granularity: str = "",
    owner: Membership | None = None,
    baseline_period: date | None = None,
) -> CharterGoal:
    """A SMART goal on the priority's measure and group, against the priority's reference group
    (fixed here, at baseline). The baseline is the latest published period, from the read API
    (or `baseline_period`: the demo's charter dates from a year before its latest data)."""
    _require_editable(charter)
    organization = charter.organization
    _require_same_org(organization, priority, "The priority")
    if priority.status == PriorityStatus.RETIRED:
        raise ValidationError("That priority is retired: choose a current one.")
    if owner is not None:
        _require_active_member(organization, owner, "The goal's owner")
    snapshot = api.baseline_snapshot(
        organization,
        priority.measure,
        priority.dimension,
        priority.group,
        priority.reference_group,
        period=baseline_period,
    )
    granularity = granularity or (snapshot.granularity if snapshot else "quarter")
    _validate_goal(
        aim=aim, target_value=target_value, target_date=target_date, granularity=granularity
    )
    goal = CharterGoal(
        organization=organization,
        charter=charter,
        priority=priority,
        title=(title or "").strip() or str(priority),
        measure=priority.measure,
        dimension=priority.dimension,
        group=priority.group,
        reference_group=priority.reference_group,
        measure_name=priority.measure_name,
        dimension_label=priority.dimension_label,
        direction=priority.snapshot.get("direction", ""),
        aim=aim,
        target_value=target_value,
        target_date=target_date,
        granularity=granularity,
        owner=owner,
    )
    _apply_baseline(goal, snapshot)
    goal.save()
    _charter_event(
        charter,
        actor,
        "goal_add",
        goal=goal.pk,
        key=goal.key,
        aim=aim,
        target_value=target_value,
        baseline_period=goal.baseline_period_label,
        baseline_extract=goal.baseline_extract_id,
    )
    return goal


@transaction.atomic
def goal_update(
    *,
    goal: CharterGoal,
    actor: User | None,
    title: str,
    aim: str,
    target_value: float,
    target_date: date,
    granularity: str,
    owner: Membership | None = None,
) -> CharterGoal:
    _require_editable(goal.charter)
    _validate_goal(
        aim=aim, target_value=target_value, target_date=target_date, granularity=granularity
    )
    if owner is not None:
        _require_active_member(goal.organization, owner, "The goal's owner")
    goal.title = title.strip() or goal.title
    goal.aim = aim
    goal.target_value = target_value
    goal.target_date = target_date
    goal.granularity = granularity
    goal.owner = owner
    goal.save()
    _charter_event(
        goal.charter, actor, "goal_update", goal=goal.pk, aim=aim, target_value=target_value
    )
    return goal


@transaction.atomic
def goal_delete(*, goal: CharterGoal, actor: User | None) -> None:
    _require_editable(goal.charter)
    _charter_event(goal.charter, actor, "goal_remove", goal=goal.pk, key=goal.key)
    goal.delete()


def goal_baseline_preview(*, goal: CharterGoal):
    """Today's snapshot of the goal's group against its fixed reference group (not stored)."""
    return api.baseline_snapshot(
        goal.organization, goal.measure, goal.dimension, goal.group, goal.reference_group
    )


@transaction.atomic
def goal_baseline_refresh(*, goal: CharterGoal, actor: User | None) -> CharterGoal:
    """Replace the stored baseline by today's latest period (same reference group). The audit
    event keeps the before and after, which the charter's history shows."""
    _require_editable(goal.charter)
    before = {
        "period": goal.baseline_period_label,
        "extract": goal.baseline_extract_id,
        "rate": goal.baseline_rate,
        "difference": goal.baseline_difference,
    }
    _apply_baseline(goal, goal_baseline_preview(goal=goal))
    goal.save()
    after = {
        "period": goal.baseline_period_label,
        "extract": goal.baseline_extract_id,
        "rate": goal.baseline_rate,
        "difference": goal.baseline_difference,
    }
    _charter_event(
        goal.charter, actor, "goal_baseline_refresh", goal=goal.pk, before=before, after=after
    )
    return goal
