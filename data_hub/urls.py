from django.urls import path

from . import views

app_name = "data_hub"

# Mounted under /o/<org_slug>/data/ by the root URLconf.
urlpatterns = [
    path("", views.index, name="index"),
    path("extracts/", views.upload, name="upload"),
    path("extract-format/", views.extract_format, name="extract_format"),
    path(
        "extract-format/<str:kind>.<str:file_format>",
        views.extract_format_file,
        name="extract_format_file",
    ),
    path("extracts/<int:pk>/", views.extract_detail, name="extract_detail"),
    path("extracts/<int:pk>/mapping/", views.extract_mapping, name="extract_mapping"),
    path("extracts/<int:pk>/rejected.csv", views.extract_rejects_csv, name="extract_rejects_csv"),
    path("extracts/<int:pk>/retry/", views.extract_retry, name="extract_retry"),
    path("extracts/<int:pk>/accept/", views.extract_accept, name="extract_accept"),
    path("extracts/<int:pk>/discard/", views.extract_discard, name="extract_discard"),
    path("extracts/<int:pk>/measures/", views.extract_measures, name="extract_measures"),
    path("extracts/<int:pk>/restratify/", views.extract_restratify, name="extract_restratify"),
    path("measures/", views.measures, name="measures"),
    path("measures/new/", views.measure_edit, name="measure_create"),
    path("measures/<int:pk>/", views.measure_edit, name="measure_edit"),
    path("value-maps/", views.value_maps, name="value_maps"),
    path("value-maps.csv", views.value_maps_csv, name="value_maps_csv"),
    path("value-maps/import/", views.value_maps_import, name="value_maps_import"),
    path("extracts/<int:pk>/map-value/", views.extract_map_value, name="extract_map_value"),
    path("value-maps/<int:pk>/delete/", views.value_map_delete, name="value_map_delete"),
    path("value-maps/intersections/", views.intersections, name="intersections"),
    path("mappings/", views.mappings, name="mappings"),
    path("mappings/<int:pk>.json", views.mapping_export, name="mapping_export"),
]
