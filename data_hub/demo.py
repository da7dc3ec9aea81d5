"""Demo content for `manage.py seed_demo` (organization `demo` only, idempotent): the demo
measures and a synthetic extract, uploaded, mapped and queued for the real worker."""

from django.core.files import File
from django.db import transaction

from . import services, storage, synthetic
from .mapping import suggest
from .models import Extract

DEMO_SLUG = "demo"
DEMO_FILE_NAME = "demo-extract-8-quarters.csv"
DEMO_ROWS = 96_000  # 3,000 patients x 4 measures x 8 quarters


def seed_demo_data(sender, organization, users, stdout=None, **kwargs):
    if organization.slug != DEMO_SLUG:
        return
    analyst = users.get("analyst") or next(iter(users.values()), None)
    services.value_maps_seed_defaults(organization=organization)
    for measure in synthetic.DEMO_MEASURES:
        services.measure_save(
            organization=organization,
            actor=analyst,
            code=measure.code,
            name=measure.name,
            direction=measure.direction,
            category=measure.category,
            steward="Demo data (synthetic)",
        )
    if Extract.objects.filter(organization=organization, original_name=DEMO_FILE_NAME).exists():
        if stdout:
            stdout.write("  data hub: demo extract already present")
        return
    scratch = storage.root() / "data_hub" / "demo-scratch"
    scratch.mkdir(parents=True, exist_ok=True)
    path = scratch / DEMO_FILE_NAME
    synthetic.generate_extract(path, rows=DEMO_ROWS)
    try:
        with open(path, "rb") as handle:
            extract = services.extract_upload(
                organization=organization,
                uploaded_file=File(handle, name=DEMO_FILE_NAME),
                actor=analyst,
            )
    finally:
        path.unlink(missing_ok=True)
    with transaction.atomic():
        services.extract_map_columns(
            extract=extract,
            config={"format": "long", "columns": suggest(extract.headers), "date_period": "month"},
            actor=analyst,
            save_as="Demo EHR export",
        )
    if stdout:
        stdout.write(f"  data hub: demo extract {extract.pk} queued for the worker")
