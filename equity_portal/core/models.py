"""Core data: users, organizations, memberships, invitations, the audit log and background jobs.

Every domain row in the step apps carries an `organization` and uses `OrgScopedManager`, which
raises outside an organization scope (fail closed) and filters to the active organization inside
one (django-scopes). Organization, User and Membership are the unscoped roots.
"""

import secrets
import uuid
from datetime import timedelta

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django_scopes import ScopedManager

from .roles import Capability, Role, role_can

MIN_SUPPRESSION_K = 11


def OrgScopedManager():  # noqa: N802 - reads like a class at the call site
    """The manager every organization-owned model uses: queries must run inside a scope."""
    return ScopedManager(organization="organization")


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def get_by_natural_key(self, email):
        # Log-in is case-insensitive: emails are stored lower-cased, people type them any way.
        return self.get(email__iexact=email.strip())

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person; the login is the email address."""

    username = None
    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(max_length=200, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []
    objects = UserManager()

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    @property
    def display_name(self) -> str:
        return self.full_name or self.email


class Organization(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=60, unique=True)
    suppression_k = models.PositiveSmallIntegerField(
        "small-cell suppression threshold",
        default=MIN_SUPPRESSION_K,
        validators=[MinValueValidator(MIN_SUPPRESSION_K)],
        help_text="Counts below this are never shown (CMS cell-size policy: at least 11).",
    )
    reject_tolerance_percent = models.DecimalField(
        "rejected-row tolerance (%)",
        max_digits=5,
        decimal_places=2,
        default=1,
        help_text="An extract with more rejected rows than this waits for the analyst.",
    )
    raw_retention_days = models.PositiveIntegerField(
        default=0, help_text="Days to keep raw uploaded files after processing (0: delete at once)."
    )
    completeness_target_percent = models.DecimalField(
        "REaL completeness target (%)", max_digits=5, decimal_places=2, default=95
    )
    # Not a key: an input to HKDF with the server secret (see core/pseudonymize.py).
    pseudonym_salt = models.CharField(max_length=64, default="", editable=False)
    # Bumped by every change of the organization's content (core/revision.py): pages that
    # compose many selectors are memoized per revision.
    revision = models.PositiveBigIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(suppression_k__gte=MIN_SUPPRESSION_K),
                name="organization_suppression_k_at_least_11",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if not self.pseudonym_salt:
            self.pseudonym_salt = secrets.token_hex(32)
        if self.pk is not None and kwargs.get("update_fields") is None and not self._state.adding:
            # Never write back a revision read before a concurrent change: only bump it.
            kwargs["update_fields"] = [
                f.name for f in self._meta.concrete_fields if f.name not in ("id", "revision")
            ]
        super().save(*args, **kwargs)  # core/revision.py's post_save receiver bumps it


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    is_active = models.BooleanField(default=True)
    department = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organization__name", "user__email"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization"], name="one_membership_per_user_and_org"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.organization} ({self.get_role_display()})"

    def can(self, capability: Capability | str) -> bool:
        return self.is_active and role_can(self.role, capability)


class Team(models.Model):
    """A group of members: learning plans are assigned to teams (Learn) and teams own project
    charters (Vision). One model in the core serves both steps."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=120)
    members = models.ManyToManyField(Membership, blank=True, related_name="teams")
    # The leader who sponsors the team's charters, and the member who leads the team's work.
    executive_sponsor = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    lead = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submission_id = models.UUIDField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OrgScopedManager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="core_team_unique_name"),
            models.UniqueConstraint(
                fields=["organization", "submission_id"],
                condition=models.Q(submission_id__isnull=False),
                name="core_team_one_row_per_submission",
            ),
        ]

    def __str__(self) -> str:
        return self.name


def _invitation_token() -> str:
    return secrets.token_urlsafe(32)


def _invitation_expiry():
    return timezone.now() + timedelta(days=7)


class Invitation(models.Model):
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField()
    role = models.CharField(max_length=20, choices=Role.choices)
    token = models.CharField(max_length=64, unique=True, default=_invitation_token, editable=False)
    invited_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(default=_invitation_expiry)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    # Set by the worker once the email went out (core/tasks.py): a redelivered task sends no
    # second email, and the members page can tell "sent" from "still queued".
    emailed_at = models.DateTimeField(null=True, blank=True)

    objects = OrgScopedManager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Invitation of {self.email} as {self.get_role_display()}"

    @property
    def is_pending(self) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )

    @property
    def status(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "pending"


class AppendOnlyQuerySet(models.QuerySet):
    """Bulk update() and delete() bypass Model.save()/delete(): refuse them too."""

    def update(self, **kwargs):
        raise ValueError("Audit events are append-only.")

    def delete(self):
        raise ValueError("Audit events are append-only.")


class AuditEvent(models.Model):
    """Append-only: who did what, when, in which organization. Never updated or deleted."""

    revision_tracked = False  # bulk rows: see core/revision.py

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="audit_events"
    )
    actor = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(max_length=254, blank=True)  # kept if the user is removed
    action = models.CharField(max_length=80, db_index=True)
    object_type = models.CharField(max_length=80, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    details = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = ScopedManager(
        organization="organization", _manager_class=models.Manager.from_queryset(AppendOnlyQuerySet)
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organization", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Audit events are append-only.")


class Job(models.Model):
    """A background job the pages watch: phase, rows and percent, kept current by the task.

    Tasks claim a job with a conditional UPDATE (queued or failed -> running) so that a duplicate
    delivery does no second run; see core/jobs.py.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Done"
        FAILED = "failed", "Failed"
        WAITING = "waiting", "Waiting for the analyst"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="jobs")
    kind = models.CharField(max_length=60)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    phase = models.CharField(max_length=40, blank=True)
    rows_done = models.BigIntegerField(default=0)
    rows_total = models.BigIntegerField(null=True, blank=True)
    percent = models.PositiveSmallIntegerField(default=0)
    # Shown to users: only messages we wrote, never an exception's text.
    message = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    object_type = models.CharField(max_length=80, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The last sign of life: set when queued, claimed, on progress and every
    # JOB_HEARTBEAT_SECONDS while a worker runs it. Older than JOB_STALE_SECONDS while running
    # means the worker died (core/jobs.py: jobs_recover_stale).
    heartbeat_at = models.DateTimeField(null=True, blank=True, db_index=True)

    objects = OrgScopedManager()

    ACTIVE = ("queued", "running")

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # A double-clicked form must not start two jobs on one extract (issue 15, item 2):
            # the database refuses the second active job, whatever the code checked before.
            models.UniqueConstraint(
                fields=["object_type", "object_id"],
                condition=models.Q(status__in=["queued", "running"])
                & models.Q(object_type="data_hub.extract"),
                name="one_active_job_per_extract",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} job {self.pk} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED, self.Status.WAITING)


class PasswordResetRequest(models.Model):
    """One password-reset request, kept a day to throttle reset emails (core/auth.py). The
    address is stored as a hash."""

    email_hash = models.CharField(max_length=64, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"password reset request {self.pk}"
