"""Writes of step 1 (Commit). Each service is keyword-only, atomic, validates before it saves and
records an audit event in the same transaction. Validation errors carry messages for people,
keyed by form field where one applies."""

from collections.abc import Iterable, Mapping
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from equity_portal.core import revision
from equity_portal.core.audit import audit_record
from equity_portal.core.models import Membership, Organization, User

from . import scoring
from .models import (
    SCALE_MAX,
    ActionTarget,
    Answer,
    Assessment,
    Champion,
    Commitment,
    CommitmentStatusChange,
    Domain,
    ListeningSession,
    ListeningTheme,
    Question,
    Questionnaire,
    Step,
)
from .questions import DEFAULT_QUESTIONS

QUESTION_FIELDS = ("key", "domain", "text", "help_text", "action_text", "action_target")


def _require_active_member(membership: Membership, organization: Organization, field: str):
    if membership.organization_id != organization.pk or not membership.is_active:
        raise ValidationError({field: f"Choose an active member of {organization.name}."})


def _require_same_org(obj, organization: Organization) -> None:
    if obj.organization_id != organization.pk:
        raise ValidationError("That record belongs to another organization.")


# --- Questionnaire -------------------------------------------------------------------------


def _create_version(
    *, organization: Organization, questions: list[dict], note: str, actor: User | None
) -> Questionnaire:
    latest = Questionnaire.objects.filter(organization=organization).order_by("-version").first()
    questionnaire = Questionnaire.objects.create(
        organization=organization,
        version=(latest.version + 1) if latest else 1,
        note=note,
        created_by=actor,
    )
    Question.objects.bulk_create(
        Question(
            organization=organization,
            questionnaire=questionnaire,
            position=position,
            **{field: q.get(field, "") for field in QUESTION_FIELDS},
        )
        for position, q in enumerate(questions, start=1)
    )
    revision.bump(organization.pk)  # bulk_create sends no signal
    return questionnaire


def questionnaire_ensure(*, organization: Organization, actor: User | None = None) -> Questionnaire:
    """The current questionnaire; the first call for an organization seeds version 1 from the
    default questions. Safe to call twice at once: the version is unique per organization."""
    current = Questionnaire.objects.filter(organization=organization).order_by("-version").first()
    if current is not None:
        return current
    try:
        with transaction.atomic():
            questionnaire = _create_version(
                organization=organization,
                questions=DEFAULT_QUESTIONS,
                note="First version, from the toolkit's questions.",
                actor=actor,
            )
            audit_record(
                organization=organization,
                actor=actor,
                action="questionnaire.seed",
                obj=questionnaire,
                details={"version": 1, "questions": len(DEFAULT_QUESTIONS)},
            )
            return questionnaire
    except IntegrityError:
        # Another request seeded it first.
        return Questionnaire.objects.get(organization=organization, version=1)


def _clean_questions(questions: Iterable[Mapping]) -> list[dict]:
    cleaned: list[dict] = []
    keys: set[str] = set()
    for number, raw in enumerate(questions, start=1):
        text = (raw.get("text") or "").strip()
        if not text:
            raise ValidationError(f"Question {number} has no text.")
        domain = raw.get("domain") or ""
        if domain not in Domain.values:
            raise ValidationError(f"Question {number}: choose one of the listed domains.")
        target = raw.get("action_target") or ""
        if target not in ActionTarget.values:
            raise ValidationError(f"Question {number}: choose where the next action links to.")
        key = slugify(raw.get("key") or "") or slugify(text)[:50] or f"question-{number}"
        base, suffix = key[:55], 2
        while key in keys:
            key, suffix = f"{base}-{suffix}", suffix + 1
        keys.add(key)
        cleaned.append(
            {
                "key": key,
                "domain": domain,
                "text": text,
                "help_text": (raw.get("help_text") or "").strip(),
                "action_text": (raw.get("action_text") or "").strip(),
                "action_target": target,
            }
        )
    if not cleaned:
        raise ValidationError("A questionnaire needs at least one question.")
    return cleaned


@transaction.atomic
def questionnaire_publish(
    *, organization: Organization, questions: Iterable[Mapping], note: str = "", actor: User
) -> Questionnaire:
    """Publish an edited questionnaire as a new version. Earlier versions and the assessments
    that answered them stay as they were. Refuses a version identical to the current one (which
    also makes a re-posted form harmless)."""
    cleaned = _clean_questions(questions)
    current = questionnaire_ensure(organization=organization, actor=actor)
    current_questions = [
        {field: getattr(q, field) for field in QUESTION_FIELDS} for q in current.questions.all()
    ]
    if cleaned == current_questions:
        raise ValidationError(
            f"Nothing changed: version {current.version} already has these questions."
        )
    questionnaire = _create_version(
        organization=organization, questions=cleaned, note=note.strip(), actor=actor
    )
    audit_record(
        organization=organization,
        actor=actor,
        action="questionnaire.publish",
        obj=questionnaire,
        details={
            "version": questionnaire.version,
            "previous_version": current.version,
            "questions": len(cleaned),
        },
    )
    return questionnaire


# --- Self-assessment -----------------------------------------------------------------------


def assessment_start(*, organization: Organization, actor: User) -> tuple[Assessment, bool]:
    """Start a self-assessment on the current questionnaire, or return the one in progress
    (an organization has one draft at a time). Returns (assessment, created)."""
    draft = Assessment.objects.filter(
        organization=organization, status=Assessment.Status.DRAFT
    ).first()
    if draft is not None:
        return draft, False
    try:
        with transaction.atomic():
            questionnaire = questionnaire_ensure(organization=organization, actor=actor)
            assessment = Assessment.objects.create(
                organization=organization, questionnaire=questionnaire, started_by=actor
            )
            audit_record(
                organization=organization,
                actor=actor,
                action="assessment.start",
                obj=assessment,
                details={"questionnaire_version": questionnaire.version},
            )
            return assessment, True
    except IntegrityError:
        draft = Assessment.objects.get(organization=organization, status=Assessment.Status.DRAFT)
        return draft, False


@transaction.atomic
def assessment_save_answers(
    *,
    assessment: Assessment,
    answers: Mapping[int, tuple[int | None, str]],
    complete: bool = False,
    actor: User,
) -> Assessment:
    """Save answers ({question id: (value or None, evidence)}) to a draft; with complete=True
    every question must be answered, and the scores are fixed."""
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if assessment.is_completed:
        raise ValidationError("This self-assessment is already completed; start a new one.")
    questions = list(assessment.questionnaire.questions.all())
    by_id = {q.pk: q for q in questions}
    unknown = set(answers) - set(by_id)
    if unknown:
        raise ValidationError("Some answers are for questions not in this questionnaire.")
    for value, _evidence in answers.values():
        if value is not None and not 0 <= value <= SCALE_MAX:
            raise ValidationError(f"Answers are on a scale from 0 to {SCALE_MAX}.")
    existing = {a.question_id: a for a in assessment.answers.all()}
    merged = {qid: (a.value, a.evidence) for qid, a in existing.items()}
    merged.update(
        {qid: (value, (evidence or "").strip()) for qid, (value, evidence) in answers.items()}
    )
    if complete:
        missing = [q for q in questions if merged.get(q.pk, (None, ""))[0] is None]
        if missing:
            raise ValidationError(
                f"Answer every question to complete the self-assessment: "
                f"{len(missing)} of {len(questions)} still need an answer."
            )
    for qid, (value, evidence) in answers.items():
        answer = existing.get(qid)
        evidence = (evidence or "").strip()
        if answer is None:
            existing[qid] = Answer.objects.create(
                organization=assessment.organization,
                assessment=assessment,
                question=by_id[qid],
                value=value,
                evidence=evidence,
            )
        elif (answer.value, answer.evidence) != (value, evidence):
            answer.value, answer.evidence = value, evidence
            answer.save(update_fields=["value", "evidence"])
    details = {"answered": sum(1 for v, _ in merged.values() if v is not None)}
    if complete:
        scored = [scoring.ScoredAnswer(by_id[qid].domain, v) for qid, (v, _e) in merged.items()]
        assessment.status = Assessment.Status.COMPLETED
        assessment.completed_at = timezone.now()
        assessment.completed_by = actor
        assessment.domain_scores = scoring.domain_scores(scored)
        assessment.overall_score = scoring.overall_score(scored)
        assessment.save(
            update_fields=[
                "status",
                "completed_at",
                "completed_by",
                "domain_scores",
                "overall_score",
            ]
        )
        details["overall_score"] = assessment.overall_score
    audit_record(
        organization=assessment.organization,
        actor=actor,
        action="assessment.complete" if complete else "assessment.save",
        obj=assessment,
        details=details,
    )
    return assessment


# --- Commitments ---------------------------------------------------------------------------


def _check_commitment(
    *, organization: Organization, statement: str, owner: Membership, exclude_pk=None
) -> str:
    statement = statement.strip()
    if not statement:
        raise ValidationError({"statement": "Write what you commit to."})
    _require_active_member(owner, organization, "owner")
    duplicates = Commitment.objects.filter(
        organization=organization, owner=owner, statement__iexact=statement
    )
    if exclude_pk is not None:
        duplicates = duplicates.exclude(pk=exclude_pk)
    if duplicates.exists():
        name = owner.user.display_name
        raise ValidationError(
            {"statement": f"{name} already has a commitment with this statement."}
        )
    return statement


def _check_step(step: str) -> None:
    if step not in Step.values:
        raise ValidationError({"step": "Choose one of the five steps."})


@transaction.atomic
def commitment_create(
    *,
    organization: Organization,
    statement: str,
    owner: Membership,
    due_date: date | None = None,
    step: str = Step.COMMIT,
    charter_reference: str = "",
    actor: User,
) -> Commitment:
    statement = _check_commitment(organization=organization, statement=statement, owner=owner)
    _check_step(step)
    commitment = Commitment.objects.create(
        organization=organization,
        statement=statement,
        owner=owner,
        due_date=due_date,
        step=step,
        charter_reference=charter_reference.strip(),
        created_by=actor,
    )
    CommitmentStatusChange.objects.create(
        organization=organization,
        commitment=commitment,
        from_status="",
        to_status=commitment.status,
        changed_by=actor,
    )
    audit_record(
        organization=organization,
        actor=actor,
        action="commitment.create",
        obj=commitment,
        details={"owner": owner.user.email, "step": step, "due_date": str(due_date or "")},
    )
    return commitment


COMMITMENT_EDITABLE = {"statement", "owner", "due_date", "step", "charter_reference"}


@transaction.atomic
def commitment_update(*, commitment: Commitment, actor: User, **changes) -> Commitment:
    """Change a commitment's statement, owner, due date, step or charter link (the status has
    its own service, so every status change is in the history)."""
    unknown = set(changes) - COMMITMENT_EDITABLE
    if unknown:
        raise ValidationError(f"Not editable here: {', '.join(sorted(unknown))}.")
    commitment = Commitment.objects.select_for_update().get(pk=commitment.pk)
    organization = commitment.organization
    owner = changes.get("owner", commitment.owner)
    statement = _check_commitment(
        organization=organization,
        statement=changes.get("statement", commitment.statement),
        owner=owner,
        exclude_pk=commitment.pk,
    )
    changes["statement"] = statement
    if "step" in changes:
        _check_step(changes["step"])
    if "charter_reference" in changes:
        changes["charter_reference"] = (changes["charter_reference"] or "").strip()
    changed = [f for f, v in changes.items() if getattr(commitment, f) != v]
    if not changed:
        return commitment
    for field in changed:
        setattr(commitment, field, changes[field])
    commitment.updated_at = timezone.now()
    commitment.save(update_fields=[*changed, "updated_at"])
    audit_record(
        organization=organization,
        actor=actor,
        action="commitment.update",
        obj=commitment,
        details={"fields": sorted(changed)},
    )
    return commitment


@transaction.atomic
def commitment_change_status(
    *, commitment: Commitment, status: str, reason: str = "", actor: User
) -> CommitmentStatusChange | None:
    """Move a commitment to another status and record it in its history. Dropping needs a
    reason. Asking for the status it already has changes nothing and returns None."""
    if status not in Commitment.Status.values:
        raise ValidationError({"status": "Choose one of the listed statuses."})
    reason = (reason or "").strip()
    if status == Commitment.Status.DROPPED and not reason:
        raise ValidationError({"reason": "Say why the commitment is dropped."})
    commitment = Commitment.objects.select_for_update().get(pk=commitment.pk)
    if commitment.status == status:
        return None
    previous = commitment.status
    commitment.status = status
    commitment.dropped_reason = reason if status == Commitment.Status.DROPPED else ""
    commitment.updated_at = timezone.now()
    commitment.save(update_fields=["status", "dropped_reason", "updated_at"])
    change = CommitmentStatusChange.objects.create(
        organization=commitment.organization,
        commitment=commitment,
        from_status=previous,
        to_status=status,
        reason=reason,
        changed_by=actor,
    )
    audit_record(
        organization=commitment.organization,
        actor=actor,
        action="commitment.change_status",
        obj=commitment,
        details={"from": previous, "to": status},
    )
    return change


# --- Champions -----------------------------------------------------------------------------


@transaction.atomic
def champion_create(
    *,
    organization: Organization,
    membership: Membership,
    focus_area: str,
    department: str = "",
    actor: User,
) -> Champion:
    _require_active_member(membership, organization, "membership")
    focus_area = focus_area.strip()
    if not focus_area:
        raise ValidationError({"focus_area": "Describe the champion's area of focus."})
    if Champion.objects.filter(organization=organization, membership=membership).exists():
        raise ValidationError(
            {"membership": f"{membership.user.display_name} is already an equity champion."}
        )
    champion = Champion.objects.create(
        organization=organization,
        membership=membership,
        department=department.strip() or membership.department,
        focus_area=focus_area,
        named_by=actor,
    )
    audit_record(
        organization=organization,
        actor=actor,
        action="champion.create",
        obj=champion,
        details={"member": membership.user.email},
    )
    return champion


@transaction.atomic
def champion_update(
    *, champion: Champion, department: str, focus_area: str, actor: User
) -> Champion:
    focus_area = focus_area.strip()
    if not focus_area:
        raise ValidationError({"focus_area": "Describe the champion's area of focus."})
    champion.department = department.strip()
    champion.focus_area = focus_area
    champion.save(update_fields=["department", "focus_area"])
    audit_record(
        organization=champion.organization,
        actor=actor,
        action="champion.update",
        obj=champion,
        details={"member": champion.membership.user.email},
    )
    return champion


@transaction.atomic
def champion_remove(*, champion: Champion, actor: User) -> None:
    audit_record(
        organization=champion.organization,
        actor=actor,
        action="champion.remove",
        obj=champion,
        details={"member": champion.membership.user.email},
    )
    champion.delete()


# --- Listening -----------------------------------------------------------------------------


def _clean_themes(themes: Iterable[str]) -> list[str]:
    seen: dict[str, str] = {}
    for theme in themes:
        theme = " ".join(theme.split())[:300]
        if theme and theme.lower() not in seen:
            seen[theme.lower()] = theme
    return list(seen.values())


def _check_session(
    *,
    organization: Organization,
    title: str,
    held_on: date,
    audience: str,
    method: str,
    participants: int | None,
    exclude_pk=None,
) -> str:
    title = title.strip()
    if not title:
        raise ValidationError({"title": "Give the session or survey a name."})
    if audience not in ListeningSession.Audience.values:
        raise ValidationError({"audience": "Choose patients, staff, or both."})
    if method not in ListeningSession.Method.values:
        raise ValidationError({"method": "Choose one of the listed methods."})
    if participants is not None and participants < 0:
        raise ValidationError({"participants": "The number of participants cannot be negative."})
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": "Record sessions once they have taken place."})
    duplicates = ListeningSession.objects.filter(
        organization=organization, title__iexact=title, held_on=held_on
    )
    if exclude_pk is not None:
        duplicates = duplicates.exclude(pk=exclude_pk)
    if duplicates.exists():
        raise ValidationError({"title": f"“{title}” on {held_on:%Y-%m-%d} is already recorded."})
    return title


def _sync_themes(session: ListeningSession, themes: list[str]) -> None:
    """Keep themes whose text is unchanged (and their commitment links); add and remove others."""
    current = {t.text.lower(): t for t in session.themes.all()}
    wanted = {t.lower() for t in themes}
    for text_lower, theme in current.items():
        if text_lower not in wanted:
            theme.delete()
    for position, text in enumerate(themes, start=1):
        theme = current.get(text.lower())
        if theme is None:
            ListeningTheme.objects.create(
                organization=session.organization, session=session, text=text, position=position
            )
        elif (theme.position, theme.text) != (position, text):
            theme.position, theme.text = position, text
            theme.save(update_fields=["position", "text"])


@transaction.atomic
def listening_session_create(
    *,
    organization: Organization,
    title: str,
    held_on: date,
    audience: str,
    method: str,
    participants: int | None = None,
    themes: Iterable[str] = (),
    actions_taken: str = "",
    actor: User,
) -> ListeningSession:
    title = _check_session(
        organization=organization,
        title=title,
        held_on=held_on,
        audience=audience,
        method=method,
        participants=participants,
    )
    session = ListeningSession.objects.create(
        organization=organization,
        title=title,
        held_on=held_on,
        audience=audience,
        method=method,
        participants=participants,
        actions_taken=actions_taken.strip(),
        created_by=actor,
    )
    cleaned_themes = _clean_themes(themes)
    _sync_themes(session, cleaned_themes)
    audit_record(
        organization=organization,
        actor=actor,
        action="listening_session.create",
        obj=session,
        details={"audience": audience, "method": method, "themes": len(cleaned_themes)},
    )
    return session


@transaction.atomic
def listening_session_update(
    *,
    session: ListeningSession,
    title: str,
    held_on: date,
    audience: str,
    method: str,
    participants: int | None,
    themes: Iterable[str],
    actions_taken: str,
    actor: User,
) -> ListeningSession:
    session = ListeningSession.objects.select_for_update().get(pk=session.pk)
    session.title = _check_session(
        organization=session.organization,
        title=title,
        held_on=held_on,
        audience=audience,
        method=method,
        participants=participants,
        exclude_pk=session.pk,
    )
    session.held_on, session.audience, session.method = held_on, audience, method
    session.participants = participants
    session.actions_taken = actions_taken.strip()
    session.save(
        update_fields=["title", "held_on", "audience", "method", "participants", "actions_taken"]
    )
    cleaned_themes = _clean_themes(themes)
    _sync_themes(session, cleaned_themes)
    audit_record(
        organization=session.organization,
        actor=actor,
        action="listening_session.update",
        obj=session,
        details={"themes": len(cleaned_themes)},
    )
    return session


@transaction.atomic
def listening_session_delete(*, session: ListeningSession, actor: User) -> None:
    audit_record(
        organization=session.organization,
        actor=actor,
        action="listening_session.delete",
        obj=session,
        details={"title": session.title, "held_on": str(session.held_on)},
    )
    session.delete()


@transaction.atomic
def listening_theme_link(
    *, theme: ListeningTheme, commitments: Iterable[Commitment], actor: User
) -> ListeningTheme:
    """Set the commitments that respond to a theme heard in listening."""
    commitments = list(commitments)
    for commitment in commitments:
        _require_same_org(commitment, theme.organization)
    theme.commitments.set(commitments)
    audit_record(
        organization=theme.organization,
        actor=actor,
        action="listening_theme.link",
        obj=theme,
        details={"commitments": sorted(c.pk for c in commitments)},
    )
    return theme


# --- Exports -------------------------------------------------------------------------------


def export_record(
    *, organization: Organization, actor: User, what: str, filters: Mapping, rows: int
) -> None:
    """Exports are recorded in the audit log like every write (DESIGN §3)."""
    audit_record(
        organization=organization,
        actor=actor,
        action=f"{what}.export",
        details={
            "filters": {k: str(v) for k, v in filters.items() if v not in (None, "", False)},
            "rows": rows,
        },
    )
