"""Reads of the core. Selectors take the organization explicitly."""

from datetime import date, datetime, time

from django.apps import apps
from django.db.models import QuerySet
from django.utils import timezone
from django_scopes import scopes_disabled

from .models import AuditEvent, Invitation, Membership, Organization, User


def memberships_for_user(*, user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user, is_active=True).select_related("organization")


def membership_list(*, organization: Organization) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(organization=organization)
        .select_related("user")
        .order_by("-is_active", "user__email")
    )


def invitation_pending_list(*, organization: Organization) -> QuerySet[Invitation]:
    return Invitation.objects.filter(
        organization=organization,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
    ).select_related("invited_by")


def audit_event_list(
    *,
    organization: Organization,
    actor_id: int | None = None,
    action: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.filter(organization=organization).select_related("actor")
    if actor_id:
        events = events.filter(actor_id=actor_id)
    if action:
        events = events.filter(action=action)
    tz = timezone.get_current_timezone()
    if date_from:
        events = events.filter(created_at__gte=datetime.combine(date_from, time.min, tzinfo=tz))
    if date_to:
        events = events.filter(created_at__lte=datetime.combine(date_to, time.max, tzinfo=tz))
    return events.order_by("-created_at", "-id")


def audit_action_choices(*, organization: Organization) -> list[str]:
    return list(
        AuditEvent.objects.filter(organization=organization)
        .order_by("action")
        .values_list("action", flat=True)
        .distinct()
    )


def audit_object_labels(
    *, organization: Organization, events: list[AuditEvent]
) -> dict[tuple[str, str], str]:
    """{(object_type, object_id): what people read}, e.g. "Membership: Ann Lee in Alice Health
    (Analyst)" instead of "core.membership #7". One query per object type on the page; an
    object that no longer exists reads "<Type> #id (deleted)". The core names no step app: the
    type is looked up in the app registry."""
    wanted: dict[str, set[str]] = {}
    for event in events:
        if event.object_type and event.object_id:
            wanted.setdefault(event.object_type, set()).add(event.object_id)
    labels: dict[tuple[str, str], str] = {}
    for object_type, ids in wanted.items():
        try:
            model = apps.get_model(object_type)
        except (LookupError, ValueError):
            continue
        verbose = str(model._meta.verbose_name).capitalize()
        found = model._default_manager.filter(pk__in=[i for i in ids if i.isdigit()])
        found = found.select_related()  # what __str__ reads (e.g. a membership's user)
        if any(f.name == "organization" for f in model._meta.fields):
            found = found.filter(organization=organization)
        elif model is Organization:
            found = found.filter(pk=organization.pk)
        with scopes_disabled():  # filtered by organization above
            for obj in found:
                text = str(obj)
                prefixed = text.casefold().startswith(verbose.casefold())
                labels[(object_type, str(obj.pk))] = text if prefixed else f"{verbose}: {text}"
        for object_id in ids:
            labels.setdefault((object_type, object_id), f"{verbose} #{object_id} (deleted)")
    return labels
