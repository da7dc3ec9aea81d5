import copy
import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from django_scopes import scopes_disabled

from . import selectors, services
from .exports import csv_download
from .forms import (
    AcceptInvitationForm,
    AuditFilterForm,
    InvitationForm,
    OrganizationSettingsForm,
    RoleForm,
)
from .models import Invitation, Job, Membership
from .roles import Capability
from .tenancy import get_for_org, org_view

AUDIT_PAGE_SIZE = 50


def _validation_message(error: ValidationError) -> str:
    return " ".join(error.messages)


@login_required
def start(request):
    """After login: straight to the only organization, or a picker for several."""
    memberships = list(selectors.memberships_for_user(user=request.user))
    if len(memberships) == 1:
        return redirect("overview:index", org_slug=memberships[0].organization.slug)
    return render(request, "core/organization_picker.html", {"memberships": memberships})


def _email_not_configured() -> bool:
    """The console backend (the demo's default) prints mail instead of sending it."""
    return settings.EMAIL_BACKEND == "django.core.mail.backends.console.EmailBackend"


def _admin_page_context(request, **extra) -> dict:
    organization = request.organization
    invitations = list(selectors.invitation_pending_list(organization=organization))
    show_links = _email_not_configured()
    for invitation in invitations:
        # Without email, the administrator passes the link on by hand.
        invitation.link = (
            request.build_absolute_uri(reverse("invitation_accept", args=[invitation.token]))
            if show_links
            else ""
        )
    context = {
        "members": selectors.membership_list(organization=organization),
        "invitations": invitations,
        "invitation_links_shown": show_links,
        "invite_form": InvitationForm(),
        "role_choices": RoleForm.base_fields["role"].choices,
    }
    context.update(extra)
    return context


@org_view(Capability.MANAGE_USERS)
def members(request):
    return render(request, "core/members.html", _admin_page_context(request))


@org_view(Capability.MANAGE_USERS)
@require_POST
def invite(request):
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            invitation = services.invitation_create(
                organization=request.organization,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                invited_by=request.user,
                base_url=request.build_absolute_uri("/").rstrip("/"),
            )
        except ValidationError as error:
            form.add_error("email", _validation_message(error))
        else:
            messages.success(request, f"Invitation sent to {invitation.email}.")
            return redirect("core:members", org_slug=request.organization.slug)
    return render(
        request, "core/members.html", _admin_page_context(request, invite_form=form), status=400
    )


def _member(request, pk: int) -> Membership:
    # Membership is an unscoped root model, so filter by the request's organization here,
    # in the one helper that fetches a member for the admin pages.
    return get_for_org(Membership.objects.filter(organization=request.organization), pk=pk)


@org_view(Capability.MANAGE_USERS)
@require_POST
def change_role(request, pk: int):
    membership = _member(request, pk)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose one of the listed roles.")
    else:
        try:
            services.membership_change_role(
                membership=membership, role=form.cleaned_data["role"], actor=request.user
            )
            messages.success(
                request, f"{membership.user.email} is now {form.cleaned_data['role']}."
            )
        except ValidationError as error:
            messages.error(request, _validation_message(error))
    return redirect("core:members", org_slug=request.organization.slug)


@org_view(Capability.MANAGE_USERS)
def deactivate(request, pk: int):
    """GET asks for confirmation (what the member loses); POST deactivates."""
    membership = _member(request, pk)
    if request.method != "POST":
        return render(request, "core/member_deactivate_confirm.html", {"member": membership})
    return _set_active(request, membership, active=False)


@org_view(Capability.MANAGE_USERS)
@require_POST
def set_active(request, pk: int, active: bool):
    return _set_active(request, _member(request, pk), active=active)


def _set_active(request, membership: Membership, *, active: bool):
    try:
        services.membership_set_active(membership=membership, is_active=active, actor=request.user)
        verb = "reactivated" if active else "deactivated"
        messages.success(request, f"{membership.user.email} {verb}.")
    except ValidationError as error:
        messages.error(request, _validation_message(error))
    return redirect("core:members", org_slug=request.organization.slug)


@org_view(Capability.MANAGE_USERS)
@require_POST
def revoke_invitation(request, pk: int):
    invitation = get_for_org(Invitation, pk=pk)
    try:
        services.invitation_revoke(invitation=invitation, actor=request.user)
        messages.success(request, f"Invitation of {invitation.email} revoked.")
    except ValidationError as error:
        messages.error(request, _validation_message(error))
    return redirect("core:members", org_slug=request.organization.slug)


@org_view(Capability.MANAGE_USERS)
def organization_settings(request):
    organization = request.organization
    # The form validates a copy: ModelForm writes cleaned values onto its instance, which must
    # not change request.organization (the page header) or the audit's "before" values.
    form = OrganizationSettingsForm(
        request.POST if request.method == "POST" else None, instance=copy.copy(organization)
    )
    if request.method == "POST" and form.is_valid():
        services.organization_update_settings(
            organization=organization,
            actor=request.user,
            **{field: form.cleaned_data[field] for field in form.changed_data},
        )
        messages.success(request, "Settings saved.")
        return redirect("core:organization_settings", org_slug=organization.slug)
    return render(request, "core/organization_settings.html", {"form": form})


def _audit_events(request):
    actions = selectors.audit_action_choices(organization=request.organization)
    form = AuditFilterForm(request.GET or None, organization=request.organization, actions=actions)
    filters = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {
            "actor_id": data["actor"].pk if data["actor"] else None,
            "action": data["action"] or None,
            "date_from": data["date_from"],
            "date_to": data["date_to"],
        }
    events = selectors.audit_event_list(organization=request.organization, **filters)
    return form, events


@org_view(Capability.MANAGE_USERS)
def audit_log(request):
    form, events = _audit_events(request)
    page = Paginator(events, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    labels = selectors.audit_object_labels(
        organization=request.organization, events=list(page.object_list)
    )
    for event in page.object_list:
        event.object_label = labels.get((event.object_type, event.object_id), "")
    response = render(request, "core/audit_log.html", {"form": form, "page": page})
    # Reading the audit log is recorded too (after the page is built, so it lists what was
    # there when it was read).
    services.audit_log_viewed(
        organization=request.organization,
        actor=request.user,
        filters=form.cleaned_data if form.is_bound and form.is_valid() else {},
        page=page.number,
    )
    return response


@org_view(Capability.MANAGE_USERS)
def audit_log_csv(request):
    form, events = _audit_events(request)
    return csv_download(
        request,
        what="audit_log",
        header=["time", "actor", "action", "object_type", "object_id", "details", "ip"],
        rows=(
            [
                event.created_at.isoformat(),
                event.actor_label,
                event.action,
                event.object_type,
                event.object_id,
                json.dumps(event.details, sort_keys=True, ensure_ascii=False),
                event.ip_address or "",
            ]
            for event in events.iterator(chunk_size=2000)
        ),
        filters=form.cleaned_data if form.is_bound and form.is_valid() else None,
    )


@org_view(Capability.VIEW)
def job_status(request, pk: int):
    """The progress fragment a page polls with htmx while a job runs."""
    job = get_for_org(Job, pk=pk)
    response = render(request, "partials/job_progress.html", {"job": job})
    if request.htmx and job.is_finished:
        # The job ended while the page watched: reload it so results or errors show in full.
        response["HX-Refresh"] = "true"
    return response


def invitation_accept(request, token: str):
    # Reached from an email link, outside any organization URL: look the invitation up by its
    # unguessable token across organizations, and say the same thing for unknown and used ones.
    with scopes_disabled():
        invitation = Invitation.objects.select_related("organization").filter(token=token).first()
    if invitation is None:
        raise Http404("No such invitation.")
    if not invitation.is_pending:
        return render(
            request, "core/invitation_invalid.html", {"invitation": invitation}, status=410
        )
    user = request.user if request.user.is_authenticated else None
    form = AcceptInvitationForm(request.POST or None) if user is None else None
    if request.method == "POST" and (form is None or form.is_valid()):
        try:
            with scopes_disabled():
                membership = services.invitation_accept(
                    invitation=invitation,
                    user=user,
                    full_name=form.cleaned_data["full_name"] if form else "",
                    password=form.cleaned_data["password1"] if form else None,
                )
        except ValidationError as error:
            if form is not None:
                form.add_error(None, _validation_message(error))
            else:
                messages.error(request, _validation_message(error))
        else:
            if user is None:
                login(
                    request,
                    membership.user,
                    backend="django.contrib.auth.backends.ModelBackend",
                )
            messages.success(request, f"Welcome to {invitation.organization.name}.")
            return redirect("overview:index", org_slug=invitation.organization.slug)
    return render(request, "core/invitation_accept.html", {"invitation": invitation, "form": form})
