"""Writes of the Learn step. Each is keyword-only, atomic, validated before saving and audited in
the same transaction. Reflection text never goes into the audit log (it is private)."""

import uuid
from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django_scopes import scope

from equity_portal.core import revision
from equity_portal.core.audit import audit_record
from equity_portal.core.models import Membership, Organization, User

from . import seed
from .models import (
    GlossaryTerm,
    ItemCompletion,
    LearningPlan,
    LearningSeed,
    LearningSession,
    PlanItem,
    Resource,
    ResourceKind,
    SessionReflection,
    Step,
    Team,
)

# Glossary URLs are /glossary/<slug>/: these slugs name other pages.
RESERVED_SLUGS = {"new"}

# ---------------------------------------------------------------- validation helpers


def normalize_tags(tags: str | Iterable[str]) -> str:
    """'Equity, Trust ,equity' -> 'equity,trust' (lower case, unique, in order)."""
    parts = tags.split(",") if isinstance(tags, str) else list(tags)
    seen: list[str] = []
    for part in parts:
        tag = " ".join(part.strip().lower().split())
        if tag and tag not in seen:
            seen.append(tag)
    return ",".join(seen)


def _require_active_member(organization: Organization, membership: Membership, what: str) -> None:
    if membership.organization_id != organization.pk or not membership.is_active:
        raise ValidationError(
            f"{what} must be an active member of {organization.name}; "
            f"{membership.user.display_name} is not."
        )


def _require_same_org(organization: Organization, obj, what: str) -> None:
    if obj.organization_id != organization.pk:
        raise ValidationError(f"{what} belongs to another organization.")


def _validate_due_date(due_date: date | None) -> None:
    if due_date is None:
        raise ValidationError("Every plan item needs a due date.")
    today = timezone.localdate()
    if due_date < today:
        raise ValidationError(
            f"The due date {due_date:%Y-%m-%d} is in the past; choose today or a later date."
        )


def _existing(model, organization: Organization, submission_id: uuid.UUID | None):
    """The row a create form already made with this submission id (a double post), if any."""
    if submission_id is None:
        return None
    return model.objects.filter(organization=organization, submission_id=submission_id).first()


def _check_choice(value: str, choices, what: str, *, blank: bool = False) -> None:
    if blank and not value:
        return
    if value not in choices.values:
        raise ValidationError(f"Unknown {what}: {value!r}.")


# ---------------------------------------------------------------- seeding


@transaction.atomic
def learning_seed_defaults(*, organization: Organization, actor: User | None = None) -> dict:
    """Give an organization the starter library and glossary. Idempotent: a second call adds
    nothing, and starter rows the organization deleted are not brought back."""
    with scope(organization=organization):
        marker, _ = LearningSeed.objects.select_for_update().get_or_create(
            organization=organization
        )
        if marker.version >= seed.SEED_VERSION:
            return {"resources": 0, "terms": 0}
        have_resources = set(
            Resource.objects.filter(organization=organization).values_list("seed_key", "title")
        )
        resource_keys = {key for key, _title in have_resources}
        titles = {title.lower() for _key, title in have_resources}
        new_resources = [
            Resource(organization=organization, **row)
            for row in seed.RESOURCES
            if row["seed_key"] not in resource_keys and row["title"].lower() not in titles
        ]
        Resource.objects.bulk_create(new_resources)
        revision.bump(organization.pk)  # bulk_create sends no signal
        have_terms = set(
            GlossaryTerm.objects.filter(organization=organization).values_list("seed_key", "slug")
        )
        term_keys = {key for key, _slug in have_terms}
        slugs = {slug for _key, slug in have_terms}
        new_terms = [
            GlossaryTerm(organization=organization, slug=slugify(row["term"]), **row)
            for row in seed.GLOSSARY
            if row["seed_key"] not in term_keys and slugify(row["term"]) not in slugs
        ]
        GlossaryTerm.objects.bulk_create(new_terms)
        marker.version = seed.SEED_VERSION
        marker.save(update_fields=["version", "seeded_at"])
        counts = {"resources": len(new_resources), "terms": len(new_terms)}
        audit_record(
            organization=organization,
            actor=actor,
            action="learning.seed_defaults",
            details={**counts, "version": seed.SEED_VERSION},
        )
        return counts


# ---------------------------------------------------------------- library


def _validate_resource(organization: Organization, *, title: str, kind: str, step: str, pk=None):
    if not title.strip():
        raise ValidationError("A resource needs a title.")
    _check_choice(kind, ResourceKind, "kind")
    _check_choice(step, Step, "step", blank=True)
    clash = Resource.objects.filter(organization=organization, title__iexact=title.strip())
    if pk is not None:
        clash = clash.exclude(pk=pk)
    if clash.exists():
        raise ValidationError(f"The library already has a resource titled “{title.strip()}”.")


@transaction.atomic
def resource_create(
    *,
    organization: Organization,
    actor: User,
    title: str,
    kind: str,
    url: str = "",
    summary: str = "",
    tags: str = "",
    step: str = "",
    submission_id: uuid.UUID | None = None,
) -> Resource:
    if existing := _existing(Resource, organization, submission_id):
        return existing
    _validate_resource(organization, title=title, kind=kind, step=step)
    resource = Resource.objects.create(
        organization=organization,
        title=title.strip(),
        kind=kind,
        url=url.strip(),
        summary=summary.strip(),
        tags=normalize_tags(tags),
        step=step,
        created_by=actor,
        submission_id=submission_id,
    )
    audit_record(
        organization=organization,
        actor=actor,
        action="learning_resource.create",
        obj=resource,
        details={"title": resource.title, "kind": kind},
    )
    return resource


@transaction.atomic
def resource_update(
    *,
    resource: Resource,
    actor: User,
    title: str,
    kind: str,
    url: str = "",
    summary: str = "",
    tags: str = "",
    step: str = "",
) -> Resource:
    _validate_resource(resource.organization, title=title, kind=kind, step=step, pk=resource.pk)
    resource.title = title.strip()
    resource.kind = kind
    resource.url = url.strip()
    resource.summary = summary.strip()
    resource.tags = normalize_tags(tags)
    resource.step = step
    resource.save(update_fields=["title", "kind", "url", "summary", "tags", "step", "updated_at"])
    audit_record(
        organization=resource.organization,
        actor=actor,
        action="learning_resource.update",
        obj=resource,
        details={"title": resource.title},
    )
    return resource


@transaction.atomic
def resource_delete(*, resource: Resource, actor: User) -> None:
    used = PlanItem.objects.filter(organization=resource.organization, resource=resource).count()
    if used:
        raise ValidationError(
            f"“{resource.title}” is part of {used} learning plan item(s); "
            "remove it from those plans first."
        )
    audit_record(
        organization=resource.organization,
        actor=actor,
        action="learning_resource.delete",
        obj=resource,
        details={"title": resource.title},
    )
    resource.delete()


# ---------------------------------------------------------------- glossary


def _validate_term(organization: Organization, *, term: str, definition: str, pk=None) -> str:
    if not term.strip():
        raise ValidationError("A glossary entry needs a term.")
    if not definition.strip():
        raise ValidationError("A glossary entry needs a definition.")
    slug = slugify(term)[:140]
    if not slug:
        raise ValidationError("The term needs at least one letter or digit.")
    if slug in RESERVED_SLUGS:
        raise ValidationError(f"“{term.strip()}” is reserved by the glossary pages; reword it.")
    clash = GlossaryTerm.objects.filter(organization=organization, slug=slug)
    if pk is not None:
        clash = clash.exclude(pk=pk)
    if clash.exists():
        raise ValidationError(f"The glossary already defines “{term.strip()}”.")
    return slug


def _clean_aliases(aliases: str) -> str:
    return ",".join(a.strip() for a in aliases.split(",") if a.strip())


@transaction.atomic
def glossary_term_create(
    *,
    organization: Organization,
    actor: User,
    term: str,
    definition: str,
    aliases: str = "",
    submission_id: uuid.UUID | None = None,
) -> GlossaryTerm:
    if existing := _existing(GlossaryTerm, organization, submission_id):
        return existing
    slug = _validate_term(organization, term=term, definition=definition)
    entry = GlossaryTerm.objects.create(
        organization=organization,
        term=term.strip(),
        slug=slug,
        aliases=_clean_aliases(aliases),
        definition=definition.strip(),
        updated_by=actor,
        submission_id=submission_id,
    )
    audit_record(
        organization=organization,
        actor=actor,
        action="glossary_term.create",
        obj=entry,
        details={"term": entry.term},
    )
    return entry


@transaction.atomic
def glossary_term_update(
    *, entry: GlossaryTerm, actor: User, term: str, definition: str, aliases: str = ""
) -> GlossaryTerm:
    slug = _validate_term(entry.organization, term=term, definition=definition, pk=entry.pk)
    entry.term = term.strip()
    entry.slug = slug
    entry.aliases = _clean_aliases(aliases)
    entry.definition = definition.strip()
    entry.updated_by = actor
    entry.save(update_fields=["term", "slug", "aliases", "definition", "updated_by", "updated_at"])
    audit_record(
        organization=entry.organization,
        actor=actor,
        action="glossary_term.update",
        obj=entry,
        details={"term": entry.term},
    )
    return entry


@transaction.atomic
def glossary_term_delete(*, entry: GlossaryTerm, actor: User) -> None:
    audit_record(
        organization=entry.organization,
        actor=actor,
        action="glossary_term.delete",
        obj=entry,
        details={"term": entry.term},
    )
    entry.delete()


# ---------------------------------------------------------------- plans and items


def _validate_assignment(
    organization: Organization, assignee: Membership | None, team: Team | None
) -> None:
    if (assignee is None) == (team is None):
        raise ValidationError("Assign the plan either to one member or to one team.")
    if assignee is not None:
        _require_active_member(organization, assignee, "The assignee")
    if team is not None:
        _require_same_org(organization, team, "The team")


@transaction.atomic
def learning_plan_create(
    *,
    organization: Organization,
    actor: User,
    title: str,
    description: str = "",
    assignee: Membership | None = None,
    team: Team | None = None,
    items: Iterable[tuple[Resource, date]] = (),
    submission_id: uuid.UUID | None = None,
) -> LearningPlan:
    if existing := _existing(LearningPlan, organization, submission_id):
        return existing
    if not title.strip():
        raise ValidationError("A learning plan needs a title.")
    _validate_assignment(organization, assignee, team)
    items = list(items)
    for resource, due_date in items:
        _require_same_org(organization, resource, "A resource")
        _validate_due_date(due_date)
    plan = LearningPlan.objects.create(
        organization=organization,
        title=title.strip(),
        description=description.strip(),
        assignee=assignee,
        team=team,
        created_by=actor,
        submission_id=submission_id,
    )
    PlanItem.objects.bulk_create(
        PlanItem(organization=organization, plan=plan, resource=resource, due_date=due_date)
        for resource, due_date in items
    )
    revision.bump(organization.pk)  # bulk_create sends no signal
    audit_record(
        organization=organization,
        actor=actor,
        action="learning_plan.create",
        obj=plan,
        details={
            "title": plan.title,
            "assignee": assignee.user.email if assignee else None,
            "team": team.name if team else None,
            "items": len(items),
        },
    )
    return plan


@transaction.atomic
def learning_plan_update(
    *,
    plan: LearningPlan,
    actor: User,
    title: str,
    description: str = "",
    assignee: Membership | None = None,
    team: Team | None = None,
) -> LearningPlan:
    if not title.strip():
        raise ValidationError("A learning plan needs a title.")
    _validate_assignment(plan.organization, assignee, team)
    plan.title = title.strip()
    plan.description = description.strip()
    plan.assignee = assignee
    plan.team = team
    plan.save(update_fields=["title", "description", "assignee", "team"])
    audit_record(
        organization=plan.organization,
        actor=actor,
        action="learning_plan.update",
        obj=plan,
        details={
            "title": plan.title,
            "assignee": assignee.user.email if assignee else None,
            "team": team.name if team else None,
        },
    )
    return plan


@transaction.atomic
def plan_item_add(
    *, plan: LearningPlan, actor: User, resource: Resource, due_date: date
) -> PlanItem:
    """Add a library item to a plan. Adding one already in the plan sets its due date instead
    (so a form posted twice adds it once)."""
    _require_same_org(plan.organization, resource, "The resource")
    _validate_due_date(due_date)
    item, created = PlanItem.objects.get_or_create(
        organization=plan.organization,
        plan=plan,
        resource=resource,
        defaults={"due_date": due_date},
    )
    if not created and item.due_date == due_date:
        return item
    if not created:
        item.due_date = due_date
        item.save(update_fields=["due_date"])
    audit_record(
        organization=plan.organization,
        actor=actor,
        action="learning_item.add" if created else "learning_item.change_due_date",
        obj=item,
        details={"plan": plan.pk, "resource": resource.title, "due": due_date.isoformat()},
    )
    return item


@transaction.atomic
def plan_item_remove(*, item: PlanItem, actor: User) -> None:
    audit_record(
        organization=item.organization,
        actor=actor,
        action="learning_item.remove",
        obj=item,
        details={"plan": item.plan_id, "resource": item.resource.title},
    )
    item.delete()


def plan_assigned_to(plan: LearningPlan, membership: Membership) -> bool:
    if plan.assignee_id is not None:
        return plan.assignee_id == membership.pk
    return plan.team.members.filter(pk=membership.pk).exists()


@transaction.atomic
def plan_item_mark_done(
    *, item: PlanItem, membership: Membership, actor: User, reflection: str = ""
) -> ItemCompletion:
    """Mark an item done for one person. Idempotent: marking it again keeps the first completion;
    a new non-empty reflection replaces the old one."""
    _require_active_member(item.organization, membership, "The person completing an item")
    if not plan_assigned_to(item.plan, membership):
        raise ValidationError(
            f"“{item.plan.title}” is not assigned to {membership.user.display_name}."
        )
    completion, created = ItemCompletion.objects.get_or_create(
        organization=item.organization,
        item=item,
        membership=membership,
        defaults={"reflection": reflection.strip()},
    )
    if created:
        audit_record(
            organization=item.organization,
            actor=actor,
            action="learning_item.complete",
            obj=completion,
            details={"item": item.pk, "has_reflection": bool(completion.reflection)},
        )
    elif reflection.strip() and reflection.strip() != completion.reflection:
        completion.reflection = reflection.strip()
        completion.save(update_fields=["reflection"])
        audit_record(
            organization=item.organization,
            actor=actor,
            action="learning_item.update_reflection",
            obj=completion,
            details={"item": item.pk},
        )
    return completion


@transaction.atomic
def plan_item_mark_undone(*, item: PlanItem, membership: Membership, actor: User) -> None:
    deleted, _ = ItemCompletion.objects.filter(
        organization=item.organization, item=item, membership=membership
    ).delete()
    if deleted:
        audit_record(
            organization=item.organization,
            actor=actor,
            action="learning_item.reopen",
            obj=item,
            details={"membership": membership.pk},
        )


# ---------------------------------------------------------------- sessions


def _validate_session(organization, *, session_date, topic, resources, attendees) -> None:
    if session_date is None:
        raise ValidationError("A learning session needs a date.")
    if not topic.strip():
        raise ValidationError("A learning session needs a topic.")
    for resource in resources:
        _require_same_org(organization, resource, "A resource")
    for membership in attendees:
        _require_active_member(organization, membership, "Every attendee")


@transaction.atomic
def learning_session_create(
    *,
    organization: Organization,
    actor: User,
    session_date: date,
    topic: str,
    notes: str = "",
    resources: Iterable[Resource] = (),
    attendees: Iterable[Membership] = (),
    submission_id: uuid.UUID | None = None,
) -> LearningSession:
    if existing := _existing(LearningSession, organization, submission_id):
        return existing
    resources, attendees = list(resources), list(attendees)
    _validate_session(
        organization,
        session_date=session_date,
        topic=topic,
        resources=resources,
        attendees=attendees,
    )
    session = LearningSession.objects.create(
        organization=organization,
        date=session_date,
        topic=topic.strip(),
        notes=notes.strip(),
        created_by=actor,
        submission_id=submission_id,
    )
    session.resources.set(resources)
    session.attendees.set(attendees)
    audit_record(
        organization=organization,
        actor=actor,
        action="learning_session.create",
        obj=session,
        details={
            "topic": session.topic,
            "date": session_date.isoformat(),
            "attendees": len(attendees),
        },
    )
    return session


@transaction.atomic
def learning_session_update(
    *,
    session: LearningSession,
    actor: User,
    session_date: date,
    topic: str,
    notes: str = "",
    resources: Iterable[Resource] = (),
    attendees: Iterable[Membership] = (),
) -> LearningSession:
    resources, attendees = list(resources), list(attendees)
    _validate_session(
        session.organization,
        session_date=session_date,
        topic=topic,
        resources=resources,
        attendees=attendees,
    )
    session.date = session_date
    session.topic = topic.strip()
    session.notes = notes.strip()
    session.save(update_fields=["date", "topic", "notes"])
    session.resources.set(resources)
    session.attendees.set(attendees)
    audit_record(
        organization=session.organization,
        actor=actor,
        action="learning_session.update",
        obj=session,
        details={
            "topic": session.topic,
            "date": session_date.isoformat(),
            "attendees": len(attendees),
        },
    )
    return session


@transaction.atomic
def session_reflection_save(
    *, session: LearningSession, author: Membership, actor: User, text: str
) -> SessionReflection:
    """Record (or replace) one person's reflection on a session."""
    _require_active_member(session.organization, author, "The author of a reflection")
    if not text.strip():
        raise ValidationError("Write a reflection before saving it.")
    reflection, created = SessionReflection.objects.get_or_create(
        organization=session.organization,
        session=session,
        author=author,
        defaults={"text": text.strip()},
    )
    if not created:
        if reflection.text == text.strip():
            return reflection
        reflection.text = text.strip()
        reflection.save(update_fields=["text", "updated_at"])
    audit_record(
        organization=session.organization,
        actor=actor,
        action="learning_reflection.create" if created else "learning_reflection.update",
        obj=reflection,
        details={"session": session.pk},
    )
    return reflection
