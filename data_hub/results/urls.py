from django.urls import path

from . import views

app_name = "results"

# Mounted under /o/<org_slug>/data/results/ by the root URLconf.
urlpatterns = [
    path("", views.explorer, name="explorer"),
    path("disparities/", views.disparities, name="disparities"),
    path("charts/<str:chart>.csv", views.chart_csv, name="chart_csv"),
    path("export/<str:what>.<str:file_format>", views.export, name="export"),
]
