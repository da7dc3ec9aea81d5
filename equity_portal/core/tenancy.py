"""Tenancy, one mechanism (DESIGN §3).

- `OrganizationMiddleware` resolves `/o/<org_slug>/...` once per request: an active membership
  is required (else 404, so an organization's existence does not leak), `request.organization`
  and `request.membership` are set, and the view runs inside `scope(organization=...)`: every
  `OrgScopedManager` query is filtered to that organization, and outside an organization URL such
  queries raise (fail closed).
- `@org_view(Capability.X)` on every organization view declares what the view needs; a member
  without it gets 403. The URL sweep test reads the declared capability.
- `get_for_org(queryset_or_model, **lookup)` fetches one object of the active organization or 404s
  (one answer for "not found" and "not yours").
"""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import Resolver404, resolve
from django_scopes.state import state as scope_state

from .audit import client_ip, current_ip
from .models import Membership
from .roles import Capability

ORG_URL_KWARG = "org_slug"


class OrganizationMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.organization = None
        request.membership = None
        ip_token = current_ip.set(client_ip(request))
        try:
            slug = self._org_slug(request)
            if slug is None:
                # No organization: scoped models refuse every query in this request.
                return self._run_in_scope(request, {"_enabled": True})
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            membership = (
                Membership.objects.select_related("organization", "user")
                .filter(user=request.user, organization__slug=slug, is_active=True)
                .first()
            )
            if membership is None:
                raise Http404("No such organization.")
            request.organization = membership.organization
            request.membership = membership
            return self._run_in_scope(
                request, {"_enabled": True, "organization": membership.organization}
            )
        finally:
            current_ip.reset(ip_token)

    def _run_in_scope(self, request, new_scope: dict):
        # A fresh scope per request: nothing is inherited from the caller's context.
        token = scope_state.set(new_scope)
        try:
            return self.get_response(request)
        finally:
            scope_state.reset(token)

    @staticmethod
    def _org_slug(request) -> str | None:
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return None
        return match.kwargs.get(ORG_URL_KWARG)


def org_view(capability: Capability) -> Callable:
    """Declare the capability an organization view needs (DESIGN §3 matrix in core/roles.py)."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            membership = getattr(request, "membership", None)
            if membership is None:  # the middleware did not resolve an organization
                raise Http404("No such organization.")
            if not membership.can(capability):
                raise PermissionDenied("Your role does not allow this.")
            kwargs.pop(ORG_URL_KWARG, None)
            return view(request, *args, **kwargs)

        wrapped.required_capability = capability
        return wrapped

    return decorator


def get_for_org(queryset: QuerySet | type[Model], **lookup) -> Model:
    """One object of the active organization, or 404 for both missing and another org's."""
    if isinstance(queryset, type):
        queryset = queryset.objects.all()
    if not hasattr(queryset.model, "organization"):
        raise TypeError(f"{queryset.model.__name__} is not organization-owned")
    return get_object_or_404(queryset, **lookup)
