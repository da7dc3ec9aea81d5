import csv

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from equity_portal.core import exports
from equity_portal.core.roles import Capability
from equity_portal.core.tenancy import get_for_org, org_view

from . import disclosure, format_guide, mapping, selectors, services, storage
from .forms import (
    IntersectionsForm,
    MappingForm,
    MappingImportForm,
    MeasureForm,
    UndefinedMeasureForm,
    UploadForm,
    ValueMapEntryForm,
    ValueMapImportForm,
)
from .models import ColumnMapping, Extract, Measure, ValueMapEntry
from .provenance import effective_k

PAGE_SIZE = 25


def _message(error: ValidationError) -> str:
    return " ".join(error.messages)


def _extract(request, pk: int) -> Extract:
    return get_for_org(Extract.objects.select_related("job", "mapping", "organization"), pk=pk)


def _to_extract(request, extract: Extract):
    return redirect("data_hub:extract_detail", org_slug=request.organization.slug, pk=extract.pk)


@org_view(Capability.VIEW)
def index(request):
    extracts = selectors.extract_list(organization=request.organization)
    page = Paginator(extracts, PAGE_SIZE).get_page(request.GET.get("page"))
    exact, k = _exact_counts(request)
    rows = [
        (extract, disclosure.operational_counts(extract=extract, exact=exact, k=k))
        for extract in page.object_list
    ]
    return render(request, "data_hub/index.html", {"page": page, "rows": rows})


def _exact_counts(request) -> tuple[bool, int]:
    """Exact row counts for roles that manage data (they hold the file); everyone else
    sees counts below k as "fewer than k" (issue 10)."""
    membership = request.membership
    exact = membership is not None and membership.can(Capability.MANAGE_DATA)
    return exact, effective_k(request.organization)


@org_view(Capability.MANAGE_DATA)
def upload(request):
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            extract = services.extract_upload(
                organization=request.organization,
                uploaded_file=form.cleaned_data["file"],
                actor=request.user,
                inspect_now=False,  # the worker reads it, under the upload limits
            )
        except ValidationError as error:
            form.add_error("file", _message(error))
        else:
            messages.success(
                request, f"{extract.original_name} uploaded. Once it is read, map its columns."
            )
            return redirect(
                "data_hub:extract_mapping", org_slug=request.organization.slug, pk=extract.pk
            )
    status = 400 if request.method == "POST" else 200
    return render(request, "data_hub/upload.html", {"form": form}, status=status)


@org_view(Capability.VIEW)
def extract_format(request):
    """The column guide: every field, required or not, accepted spellings, an example row."""
    guide = format_guide.fields()
    return render(
        request,
        "data_hub/extract_format.html",
        {
            "fields": guide,
            "example_header": format_guide.SAMPLE_HEADERS,
            "example_row": format_guide.sample_rows()[0],
            "sample_rows": format_guide.SAMPLE_ROWS,
            "sample_measures": format_guide.sample_measures(),
        },
    )


@org_view(Capability.VIEW)
def extract_format_file(request, kind: str, file_format: str):
    """The synthetic sample extract (200 rows) or the header-only template, CSV or XLSX."""
    if kind not in ("sample", "template") or file_format not in exports.FORMATS:
        raise Http404("No such file.")
    if kind == "sample":
        headers, rows = format_guide.SAMPLE_HEADERS, format_guide.sample_rows()
    else:
        headers, rows = format_guide.TEMPLATE_HEADERS, ()
    columns = [exports.Column(h, h) for h in headers]  # headers an upload recognizes
    return exports.download(
        request,
        what=f"extract_{kind}",
        columns=columns,
        rows=rows,
        file_format=file_format,
        filename=f"extract-{kind}.{file_format}",
        title="extract",
        readme=False,
    )


@org_view(Capability.MANAGE_DATA)
def extract_mapping(request, pk: int):
    extract = _extract(request, pk)
    if extract.status == Extract.Status.INSPECTING:
        # The worker is still reading the file: the page waits (htmx reloads it when done).
        return render(request, "data_hub/extract_reading.html", {"extract": extract})
    if not extract.headers:  # the file could not be read: the detail page says why
        return _to_extract(request, extract)
    if request.method == "POST" and extract.job and not extract.job.is_finished:
        messages.info(request, "Processing has already started for this extract.")
        return _to_extract(request, extract)
    measures = list(selectors.measure_list(organization=request.organization))
    saved = list(selectors.saved_mapping_list(organization=request.organization))
    suggestion = services.mapping_suggestion(extract=extract)
    chosen = request.GET.get("mapping")
    if chosen and chosen.isdigit():
        picked = next((m for m in saved if m.pk == int(chosen)), None)
        if picked is not None:
            suggestion = picked.config
    form = MappingForm(
        request.POST or None,
        headers=extract.headers,
        measures=measures,
        initial=MappingForm.initial_from(suggestion, extract.headers),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.extract_map_columns(
                extract=extract,
                config=form.config(),
                actor=request.user,
                save_as=form.cleaned_data["save_as"],
            )
        except ValidationError as error:
            for problem in error.messages:
                form.add_error(None, problem)
        else:
            messages.success(request, "Mapping saved. Processing has started.")
            return _to_extract(request, extract)
    preview = services.extract_preview(extract=extract)
    suggested = mapping.suggest(extract.headers)
    id_columns = {
        i
        for i, h in enumerate(extract.headers)
        if "patient_id" in (suggested.get(h), form[f"col_{i}"].value())
    }
    services.extract_viewed(extract=extract, actor=request.user, page="mapping")
    rows = []
    for index, field in enumerate(form.column_fields()):
        samples = [r[index] if index < len(r) else "" for r in preview]
        if index in id_columns:
            samples = ["•••" for _ in samples]  # identifiers are not echoed back
        rows.append({"header": extract.headers[index], "field": field, "samples": samples})
    return render(
        request,
        "data_hub/extract_mapping.html",
        {
            "extract": extract,
            "form": form,
            "rows": rows,
            "saved": saved,
            "remembered": suggestion.get("remembered", False),
        },
        status=400 if request.method == "POST" else 200,
    )


@org_view(Capability.VIEW)
def extract_detail(request, pk: int):
    extract = _extract(request, pk)
    undefined_form = None
    if extract.status == Extract.Status.WAITING and extract.undefined_measure_codes:
        undefined_form = UndefinedMeasureForm(codes=extract.undefined_measure_codes)
    provenance = getattr(extract, "provenance", None) if extract.processed_at else None
    services.extract_viewed(extract=extract, actor=request.user, page="detail")
    exact, k = _exact_counts(request)
    counts = disclosure.operational_counts(extract=extract, exact=exact, k=k)
    suggestions, categories = {}, {}
    if counts.unmapped and exact:
        suggestions = selectors.value_map_suggestions(
            organization=request.organization, unmapped=extract.unmapped_values or {}
        )
        categories = selectors.value_map_categories(organization=request.organization)
    families = dict(ValueMapEntry.Family.choices)
    return render(
        request,
        "data_hub/extract_detail.html",
        {
            "extract": extract,
            "job": extract.job,
            "undefined_form": undefined_form,
            "provenance": provenance,
            "counts": counts,
            "k": k,
            "not_validated": extract.status
            in (Extract.Status.UPLOADED, Extract.Status.QUEUED, Extract.Status.PROCESSING),
            # Counts as the viewer may see them (exact only for roles that manage data).
            "unmapped": [
                {
                    "family": family,
                    "family_label": families.get(family, family),
                    "categories": categories.get(family, []),
                    "values": [
                        {
                            "value": value,
                            "count": count,
                            "suggestion": suggestions.get(family, {}).get(value),
                        }
                        for value, count in values
                    ],
                }
                for family, values in counts.unmapped.items()
            ],
        },
    )


@org_view(Capability.MANAGE_DATA)
@require_POST
def extract_map_value(request, pk: int):
    """One click from the report: map an unmapped value to the category the analyst chose."""
    extract = _extract(request, pk)
    form = ValueMapEntryForm(request.POST)
    if not form.is_valid() or not form.cleaned_data["target"].strip():
        messages.error(request, "Choose the category to map the value to.")
        return _to_extract(request, extract)
    data = form.cleaned_data
    categories = selectors.value_map_categories(organization=request.organization)
    if data["target"] not in categories.get(data["family"], []):
        messages.error(request, f"“{data['target']}” is not a category of that value map.")
        return _to_extract(request, extract)
    try:
        services.value_map_entry_set(organization=request.organization, actor=request.user, **data)
    except ValidationError as error:
        messages.error(request, _message(error))
    else:
        messages.success(
            request,
            f"“{data['source_value']}” now maps to {data['target']}. Re-stratify to apply it.",
        )
    return _to_extract(request, extract)


@org_view(Capability.MANAGE_DATA)
def extract_rejects_csv(request, pk: int):
    """Every rejected row, re-written through the core's formula-safe, audited CSV writer
    (the stored file holds values exactly as uploaded)."""
    extract = _extract(request, pk)
    if not extract.rejects_path:
        raise Http404("No report.")
    path = storage.absolute(extract.rejects_path)
    if not path.exists():
        raise Http404("No report.")
    with open(path, newline="", encoding="utf-8", errors="replace") as handle:
        reader = csv.reader(handle)
        header = next(reader, [])
        return exports.download(
            request,
            what="extract_rejects",
            columns=header,
            rows=reader,
            filename=f"extract-{extract.pk}-rejected-rows.csv",
            obj=extract,
        )


def _extract_action(request, pk: int, action, success: str):
    extract = _extract(request, pk)
    try:
        action(extract=extract, actor=request.user)
    except ValidationError as error:
        messages.error(request, _message(error))
    else:
        messages.success(request, success)
    return _to_extract(request, extract)


@org_view(Capability.MANAGE_DATA)
@require_POST
def extract_retry(request, pk: int):
    return _extract_action(request, pk, services.extract_retry, "The job was queued again.")


@org_view(Capability.MANAGE_DATA)
@require_POST
def extract_accept(request, pk: int):
    return _extract_action(
        request, pk, services.extract_accept_rejections, "Storing the valid rows."
    )


@org_view(Capability.MANAGE_DATA)
@require_POST
def extract_discard(request, pk: int):
    return _extract_action(request, pk, services.extract_discard, "The extract was discarded.")


@org_view(Capability.MANAGE_DATA)
@require_POST
def extract_restratify(request, pk: int):
    return _extract_action(
        request, pk, services.extract_restratify, "Re-stratification has started."
    )


@org_view(Capability.MANAGE_DATA)
@require_POST
def extract_measures(request, pk: int):
    extract = _extract(request, pk)
    form = UndefinedMeasureForm(request.POST, codes=extract.undefined_measure_codes)
    if form.is_valid():
        define, reject = form.decisions()
        try:
            services.extract_resolve_measures(
                extract=extract, define=define, reject=reject, actor=request.user
            )
        except ValidationError as error:
            messages.error(request, _message(error))
        else:
            messages.success(request, "Measures resolved. Processing has started again.")
    else:
        problems = [e for errors in form.errors.values() for e in errors]
        messages.error(
            request,
            "Nothing was saved. "
            + (" ".join(problems) if problems else "Choose what to do with every listed measure."),
        )
    return _to_extract(request, extract)


@org_view(Capability.VIEW)
def measures(request):
    return render(
        request,
        "data_hub/measures.html",
        {"measures": selectors.measure_list(organization=request.organization)},
    )


@org_view(Capability.MANAGE_DATA)
def measure_edit(request, pk: int | None = None):
    measure = get_for_org(Measure, pk=pk) if pk is not None else None
    form = MeasureForm(request.POST or None, instance=measure)
    if measure is not None:
        form.fields["code"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.measure_save(organization=request.organization, actor=request.user, **data)
        except ValidationError as error:
            form.add_error(None, _message(error))
        else:
            messages.success(request, f"Measure {data['code']} saved.")
            return redirect("data_hub:measures", org_slug=request.organization.slug)
    return render(request, "data_hub/measure_form.html", {"form": form, "measure": measure})


@org_view(Capability.MANAGE_DATA)
def value_maps(request):
    organization = request.organization
    family = request.GET.get("family") or ValueMapEntry.Family.RACE
    if family not in ValueMapEntry.Family.values:
        family = ValueMapEntry.Family.RACE
    form = ValueMapEntryForm(request.POST or None, initial={"family": family})
    if request.method == "POST" and form.is_valid():
        try:
            services.value_map_entry_set(
                organization=organization, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, _message(error))
        else:
            messages.success(request, "Value map saved. Re-stratify extracts to apply it.")
            url = f"?family={form.cleaned_data['family']}"
            return redirect(request.path + url)
    hub = selectors.hub_settings_current(organization=organization)
    entries = selectors.value_map_entries_or_defaults(organization=organization, family=family)
    page = Paginator(entries, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "data_hub/value_maps.html",
        {
            "form": form,
            "page": page,
            "family": family,
            "families": ValueMapEntry.Family.choices,
            "hub": hub,
            "intersections_form": IntersectionsForm(initial={"intersections": hub.intersections}),
            "import_form": ValueMapImportForm(),
        },
    )


@org_view(Capability.MANAGE_DATA)
def value_maps_csv(request):
    """Every value-map entry as family,source_value,category (the import reads the same)."""
    return exports.download(
        request,
        what="value_maps",
        columns=services.VALUE_MAP_COLUMNS,
        rows=selectors.value_map_export_rows(organization=request.organization),
    )


@org_view(Capability.MANAGE_DATA)
@require_POST
def value_maps_import(request):
    form = ValueMapImportForm(request.POST, request.FILES)
    url = reverse("data_hub:value_maps", kwargs={"org_slug": request.organization.slug})
    if not form.is_valid():
        messages.error(request, "Choose a CSV file to import.")
        return redirect(url)
    upload = form.cleaned_data["file"]
    try:
        if upload.size > 5 * 1024 * 1024:
            raise ValidationError("A value-map file is at most 5 MB.")
        report = services.value_maps_import_csv(
            organization=request.organization,
            text=upload.read().decode("utf-8-sig", errors="replace"),
            actor=request.user,
        )
    except ValidationError as error:
        messages.error(request, "Nothing was imported. " + " ".join(error.messages))
        return redirect(url)
    changes = [f"{f}: “{v}” → {t}" for f, v, t in report["added"]] + [
        f"{f}: “{v}” {old} → {new}" for f, v, old, new in report["changed"]
    ]
    summary = (
        f"Value maps imported: {len(report['added'])} added, {len(report['changed'])} changed, "
        f"{len(report['unchanged'])} unchanged."
    )
    if changes:
        shown = "; ".join(changes[:15]) + ("; …" if len(changes) > 15 else "")
        summary += f" {shown}. Re-stratify extracts to apply them."
    messages.success(request, summary)
    return redirect(url)


@org_view(Capability.MANAGE_DATA)
@require_POST
def value_map_delete(request, pk: int):
    entry = get_for_org(ValueMapEntry, pk=pk)
    family = entry.family
    services.value_map_entry_delete(entry=entry, actor=request.user)
    messages.success(request, "Value map entry removed.")
    url = reverse("data_hub:value_maps", kwargs={"org_slug": request.organization.slug})
    return redirect(f"{url}?family={family}")


@org_view(Capability.MANAGE_DATA)
@require_POST
def intersections(request):
    form = IntersectionsForm(request.POST)
    if form.is_valid():
        services.hub_settings_update(
            organization=request.organization,
            actor=request.user,
            intersections=form.cleaned_data["intersections"],
        )
        messages.success(request, "Intersections saved. Re-stratify extracts to apply them.")
    else:
        messages.error(request, "Choose intersections from the list.")
    return redirect("data_hub:value_maps", org_slug=request.organization.slug)


@org_view(Capability.MANAGE_DATA)
def mappings(request):
    form = MappingImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > 1024 * 1024:
                raise ValidationError("A mapping file is at most 1 MB.")
            services.column_mapping_import(
                organization=request.organization,
                name=form.cleaned_data["name"] or upload.name.rsplit(".", 1)[0],
                payload=upload.read().decode("utf-8", errors="replace"),
                actor=request.user,
            )
        except ValidationError as error:
            form.add_error("file", _message(error))
        else:
            messages.success(request, "Mapping imported.")
            return redirect("data_hub:mappings", org_slug=request.organization.slug)
    saved = selectors.saved_mapping_list(organization=request.organization)
    return render(request, "data_hub/mappings.html", {"form": form, "saved": saved})


@org_view(Capability.MANAGE_DATA)
def mapping_export(request, pk: int):
    column_mapping = get_for_org(ColumnMapping, pk=pk)
    return exports.json_download(
        request,
        what="column_mapping",
        payload=services.column_mapping_export(column_mapping=column_mapping),
        filename=f"mapping-{column_mapping.pk}.json",
        obj=column_mapping,
    )
