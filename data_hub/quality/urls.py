from django.urls import path

from . import views

app_name = "quality"

# Mounted under /o/<org_slug>/data/quality/ by the root URLconf.
urlpatterns = [
    path("", views.report, name="report"),
    path("completeness-trend.csv", views.trend_csv, name="trend_csv"),
]
