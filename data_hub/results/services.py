"""Writes of the results module: only audit events (who looked at or exported what).
Never a count in `details` (CONTRIBUTING: no PHI, no small counts)."""

from django.db import transaction

from data_hub.models import Extract
from equity_portal.core.audit import audit_record
from equity_portal.core.models import Organization, User

from . import exports


def results_view_record(
    *,
    organization: Organization,
    actor: User,
    extract: Extract,
    page: str,
    measure: str = "",
    dimension: str = "",
    period: str = "",
) -> None:
    """One audit event per results page view: which measure and dimension, no numbers."""
    audit_record(
        organization=organization,
        actor=actor,
        action=f"results.view_{page}",
        obj=extract,
        details={"measure": measure, "dimension": dimension, "period": period},
    )


def results_export_record(
    *,
    organization: Organization,
    actor: User | None,
    extract: Extract,
    what: str,
    file_format: str,
    **details: str,
) -> None:
    audit_record(
        organization=organization,
        actor=actor,
        action="results.export",
        obj=extract,
        details={"what": what, "format": file_format, **details},
    )


@transaction.atomic
def results_export(
    *, organization: Organization, actor: User | None, extract: Extract, what: str, file_format: str
) -> tuple[bytes, str, str]:
    """Build one export and record it (web downloads and the command alike)."""
    content, filename, content_type = exports.build(
        organization=organization, extract=extract, what=what, file_format=file_format
    )
    results_export_record(
        organization=organization,
        actor=actor,
        extract=extract,
        what=what,
        file_format=file_format,
        filename=filename,
    )
    return content, filename, content_type
