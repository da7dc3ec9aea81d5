"""What the step apps' views share: one page size and paginator, a service's error put on a
form or said in a message, and list filters read from the query string."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator

PAGE_SIZE = 25


def page_of(request, rows) -> Page:
    """The requested page of a list (`?page=`; out of range shows the last page)."""
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))


def filters_of(form) -> dict:
    """A filter form's values, or no filter while it is invalid (the list is never lost)."""
    return form.cleaned_data if form.is_valid() else {}


def filtered(request, form, select, *names: str):
    """(form, rows): `select(organization=..., name=value...)` with the form's valid values of
    `names` (None while the form is invalid)."""
    filters = filters_of(form)
    return form, select(organization=request.organization, **{n: filters.get(n) for n in names})


def error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def add_errors(form, error: ValidationError) -> None:
    """Put a service's error on the matching field, or at the top of the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
