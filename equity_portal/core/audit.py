"""The audit log: every write records who did what in the same transaction as the write."""

import getpass
import os
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import models

from .models import AuditEvent, Organization, User

# Set per request by OrganizationMiddleware, so services need not carry the request around.
current_ip: ContextVar[str | None] = ContextVar("current_ip", default=None)
# Set by management commands (`command_actor`): who ran them, recorded instead of "system".
current_actor_label: ContextVar[str | None] = ContextVar("current_actor_label", default=None)


@contextmanager
def command_actor(command: str):
    """Within it, audit events without a user name the operating-system user who ran the
    management command, e.g. "ana (manage.py export_results)"."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (a container)
        user = f"uid {os.getuid()}"
    token = current_actor_label.set(f"{user} (manage.py {command})")
    try:
        yield
    finally:
        current_actor_label.reset(token)


def client_ip(request) -> str | None:
    # REMOTE_ADDR only: X-Forwarded-For is client-controlled unless a trusted proxy rewrites it.
    return request.META.get("REMOTE_ADDR") or None


def audit_record(
    *,
    organization: Organization,
    actor: User | None,
    action: str,
    obj: models.Model | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit event. Call it inside the service's transaction."""
    return AuditEvent.objects.create(
        organization=organization,
        actor=actor if actor is not None and actor.pk else None,
        actor_label=actor.email
        if actor is not None and actor.pk
        else current_actor_label.get() or "system",
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        details=details or {},
        ip_address=current_ip.get(),
    )
