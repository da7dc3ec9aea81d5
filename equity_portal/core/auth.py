"""Log-in and sessions: django-axes throttling by account and by address, the idle timeout,
throttled password-reset emails, and audit events for log-in, log-out and password changes."""

import hashlib
import logging
import time
from datetime import timedelta

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models import Sum
from django.dispatch import receiver
from django.shortcuts import redirect, resolve_url
from django.utils import timezone
from django_scopes import scopes_disabled

from .audit import audit_record, client_ip
from .models import Membership, PasswordResetRequest, User

security_log = logging.getLogger("equity_portal.security")
IDLE_KEY = "last_activity"
IDLE_RESOLUTION = 60  # seconds: the session is rewritten at most once a minute


def axes_username(request, credentials) -> str | None:
    """The account name django-axes counts failures against: the email, lower-cased, so that
    "Admin@Demo.test" and "admin@demo.test" share one lockout (log-in is case-insensitive)."""
    username = (credentials or {}).get("username") or request.POST.get("username")
    return username.strip().lower() if username else None


class PortalAxesHandler(AxesDatabaseHandler):
    """Two counts (AXES_LOCKOUT_PARAMETERS = [["username"], ["ip_address"]]): failures for one
    account from anywhere lock it at AXES_FAILURE_LIMIT; failures from one address over any
    accounts lock the address at AXES_IP_FAILURE_LIMIT (an office behind one address gets more
    room than one account). axes compares one number with one limit: the address's count is
    scaled to the account limit."""

    def get_failures(self, request, credentials=None) -> int:
        sums = [
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        ]
        account = sums[0] if sums else 0
        address = sums[1] if len(sums) > 1 else 0
        scaled = address * settings.AXES_FAILURE_LIMIT // max(settings.AXES_IP_FAILURE_LIMIT, 1)
        return max(account, scaled)


class IdleTimeoutMiddleware:
    """Sign a user out after SESSION_IDLE_TIMEOUT_MINUTES without a request (besides the
    session's absolute age). The last-activity time is rewritten at most once a minute."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            last = request.session.get(IDLE_KEY)
            if last is not None and now - int(last) > settings.SESSION_IDLE_TIMEOUT_MINUTES * 60:
                logout(request)
                messages.info(request, "You were signed out after a period of inactivity.")
                login_url = resolve_url(settings.LOGIN_URL)
                return redirect(f"{login_url}?next={request.get_full_path()}")
            if last is None or now - int(last) >= IDLE_RESOLUTION:
                request.session[IDLE_KEY] = now
        return self.get_response(request)


# --------------------------------------------------------------------------------------------
# Audit: log-in, log-out, failures, password changes. An account's events go to the audit log
# of every organization it belongs to (the admins who read it); a failure for an unknown
# address has no organization and is written to the security log only.


def _record_for_user(user: User | None, action: str, request=None, details=None) -> None:
    if user is None or not user.pk:
        return
    with scopes_disabled():
        organizations = [
            m.organization
            for m in Membership.objects.filter(user=user).select_related("organization")
        ]
        for organization in organizations:
            audit_record(
                organization=organization,
                actor=user,
                action=action,
                obj=user,
                details=details or {},
            )


def _ip(request) -> str:
    return (client_ip(request) if request is not None else None) or "-"


@receiver(user_logged_in, dispatch_uid="core.audit_login")
def _logged_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[IDLE_KEY] = int(time.time())
    _record_for_user(user, "auth.login", request)


@receiver(user_logged_out, dispatch_uid="core.audit_logout")
def _logged_out(sender, request, user, **kwargs):
    _record_for_user(user, "auth.logout", request)


@receiver(user_login_failed, dispatch_uid="core.audit_login_failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    username = axes_username(request, credentials) if request is not None else None
    username = username or (credentials or {}).get("username", "")
    with scopes_disabled():
        user = User.objects.filter(email__iexact=username).first() if username else None
    if user is None:
        security_log.warning("log-in failed for an unknown account from %s", _ip(request))
        return
    _record_for_user(user, "auth.login_failed", request)


class AuditedPasswordChangeView(auth_views.PasswordChangeView):
    def form_valid(self, form):
        response = super().form_valid(form)
        _record_for_user(self.request.user, "auth.password_change", self.request)
        return response


class AuditedPasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    def form_valid(self, form):
        response = super().form_valid(form)
        _record_for_user(form.user, "auth.password_reset", self.request)
        return response


def _email_hash(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


class ThrottledPasswordResetView(auth_views.PasswordResetView):
    """At most PASSWORD_RESET_EMAILS_PER_HOUR requests per address and
    PASSWORD_RESET_REQUESTS_PER_IP_PER_HOUR per client address. Over the limit, the page says
    the same as always (it never reveals whether an account exists) but no email is sent."""

    def form_valid(self, form):
        email = form.cleaned_data["email"]
        ip = client_ip(self.request)
        since = timezone.now() - timedelta(hours=1)
        recent = PasswordResetRequest.objects.filter(created_at__gte=since)
        per_email = recent.filter(email_hash=_email_hash(email)).count()
        per_ip = recent.filter(ip_address=ip).count() if ip else 0
        too_many = (
            per_email >= settings.PASSWORD_RESET_EMAILS_PER_HOUR
            or per_ip >= settings.PASSWORD_RESET_REQUESTS_PER_IP_PER_HOUR
        )
        PasswordResetRequest.objects.filter(
            created_at__lt=timezone.now() - timedelta(days=1)
        ).delete()
        PasswordResetRequest.objects.create(email_hash=_email_hash(email), ip_address=ip)
        if too_many:
            security_log.warning("password reset throttled from %s", ip or "-")
            return redirect(self.get_success_url())
        with scopes_disabled():
            users = list(form.get_users(email))
        for user in users:
            _record_for_user(user, "auth.password_reset_requested", self.request)
        return super().form_valid(form)
