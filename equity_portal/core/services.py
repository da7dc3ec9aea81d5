"""Writes of the core: invitations, memberships, demo seeding. Each is atomic and audited."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from .audit import audit_record
from .models import Invitation, Membership, Organization, User
from .roles import Role


def _require_role(role: str) -> None:
    if role not in Role.values:
        raise ValidationError(f"Unknown role: {role!r}.")


def _lock_admins(organization_id: int) -> None:
    """Lock every administrator membership of the organization (in one order, so two changes
    cannot deadlock) before the last-administrator check: locking only the changed row let two
    admins demote each other at the same moment and leave none (issue 15, item 12)."""
    list(
        Membership.objects.select_for_update()
        .filter(organization_id=organization_id, role=Role.ADMIN)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _other_active_admins(membership: Membership) -> bool:
    return (
        Membership.objects.filter(
            organization=membership.organization, role=Role.ADMIN, is_active=True
        )
        .exclude(pk=membership.pk)
        .exists()
    )


@transaction.atomic
def invitation_create(
    *, organization: Organization, email: str, role: str, invited_by: User, base_url: str = ""
) -> Invitation:
    """Invite someone by email. Refuses an existing active member or a pending invitation."""
    _require_role(role)
    email = email.strip().lower()
    validate_email(email)
    if Membership.objects.filter(
        organization=organization, user__email__iexact=email, is_active=True
    ).exists():
        raise ValidationError(f"{email} is already a member of {organization.name}.")
    pending = Invitation.objects.filter(
        organization=organization,
        email__iexact=email,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
    )
    if pending.exists():
        raise ValidationError(f"{email} already has a pending invitation.")
    invitation = Invitation.objects.create(
        organization=organization, email=email, role=role, invited_by=invited_by
    )
    audit_record(
        organization=organization,
        actor=invited_by,
        action="invitation.create",
        obj=invitation,
        details={"email": email, "role": role},
    )
    from .tasks import invitation_send_email  # tasks import this module

    accept_url = base_url + reverse("invitation_accept", args=[invitation.token])
    # Sent by the worker once the invitation is committed (it must exist when the task runs).
    transaction.on_commit(
        lambda: invitation_send_email.delay(invitation_id=invitation.pk, accept_url=accept_url)
    )
    return invitation


def invitation_email_send(*, invitation: Invitation, accept_url: str) -> bool:
    """Email the invitation link once. Skipped (False) when the invitation is no longer
    pending (e.g. revoked before the worker got to it) or its email already went out."""
    if not invitation.is_pending or invitation.emailed_at is not None:
        return False
    inviter = invitation.invited_by.display_name if invitation.invited_by else "An administrator"
    organization = invitation.organization
    send_mail(
        subject=f"You are invited to {organization.name} on Equity Portal",
        message=(
            f"{inviter} invited you to join {organization.name} as "
            f"{Role(invitation.role).label}.\n\n"
            f"Accept the invitation by {invitation.expires_at:%Y-%m-%d}:\n{accept_url}\n"
        ),
        from_email=None,
        recipient_list=[invitation.email],
    )
    invitation.emailed_at = timezone.now()
    invitation.save(update_fields=["emailed_at"])
    return True


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, actor: User) -> None:
    if not invitation.is_pending:
        raise ValidationError("Only a pending invitation can be revoked.")
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    audit_record(
        organization=invitation.organization,
        actor=actor,
        action="invitation.revoke",
        obj=invitation,
        details={"email": invitation.email},
    )


@transaction.atomic
def invitation_accept(
    *,
    invitation: Invitation,
    user: User | None,
    full_name: str = "",
    password: str | None = None,
) -> Membership:
    """Accept an invitation: an existing user (logged in as the invited email) gets the
    membership; otherwise a new account is created with the given password."""
    # Lock the row so a double submit cannot accept twice.
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_pending:
        raise ValidationError(f"This invitation has {invitation.status}; ask for a new one.")
    if user is None:
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise ValidationError("An account with this email exists: log in first, then accept.")
        candidate = User(email=invitation.email, full_name=full_name.strip())
        validate_password(password or "", user=candidate)
        user = User.objects.create_user(
            email=invitation.email, password=password, full_name=full_name.strip()
        )
    elif user.email.lower() != invitation.email.lower():
        raise ValidationError(
            f"This invitation is for {invitation.email}; you are logged in as {user.email}."
        )
    membership, created = Membership.objects.get_or_create(
        user=user,
        organization=invitation.organization,
        defaults={"role": invitation.role, "is_active": True},
    )
    if not created:
        membership.role = invitation.role
        membership.is_active = True
        membership.save(update_fields=["role", "is_active"])
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit_record(
        organization=invitation.organization,
        actor=user,
        action="invitation.accept",
        obj=invitation,
        details={"email": invitation.email, "role": invitation.role},
    )
    return membership


@transaction.atomic
def membership_change_role(*, membership: Membership, role: str, actor: User) -> Membership:
    _require_role(role)
    _lock_admins(membership.organization_id)
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if role == membership.role:
        return membership
    if (
        membership.role == Role.ADMIN
        and membership.is_active
        and not _other_active_admins(membership)
    ):
        raise ValidationError("The last active administrator cannot be given another role.")
    old_role = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    audit_record(
        organization=membership.organization,
        actor=actor,
        action="membership.change_role",
        obj=membership,
        details={"user": membership.user.email, "from": old_role, "to": role},
    )
    return membership


@transaction.atomic
def membership_set_active(*, membership: Membership, is_active: bool, actor: User) -> Membership:
    """Deactivate (access ends, records stay) or reactivate a member."""
    _lock_admins(membership.organization_id)
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.is_active == is_active:
        return membership
    if not is_active and membership.role == Role.ADMIN and not _other_active_admins(membership):
        raise ValidationError("The last active administrator cannot be deactivated.")
    membership.is_active = is_active
    membership.save(update_fields=["is_active"])
    audit_record(
        organization=membership.organization,
        actor=actor,
        action="membership.reactivate" if is_active else "membership.deactivate",
        obj=membership,
        details={"user": membership.user.email},
    )
    return membership


@transaction.atomic
def organization_update_settings(
    *, organization: Organization, actor: User, **changes
) -> Organization:
    allowed = {
        "name",
        "suppression_k",
        "reject_tolerance_percent",
        "raw_retention_days",
        "completeness_target_percent",
    }
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationError(f"Not an organization setting: {', '.join(sorted(unknown))}.")
    before = {field: str(getattr(organization, field)) for field in changes}
    for field, value in changes.items():
        setattr(organization, field, value)
    organization.full_clean()
    organization.save(update_fields=list(changes))
    audit_record(
        organization=organization,
        actor=actor,
        action="organization.update_settings",
        obj=organization,
        details={"before": before, "after": {f: str(v) for f, v in changes.items()}},
    )
    return organization


def audit_log_viewed(*, organization: Organization, actor: User, filters: dict, page: int) -> None:
    used = {k: str(v) for k, v in filters.items() if v not in (None, "", False)}
    audit_record(
        organization=organization,
        actor=actor,
        action="audit_log.view",
        details={"filters": used, "page": page},
    )
