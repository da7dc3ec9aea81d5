from django.urls import path

from . import views

app_name = "overview"

# Mounted under /o/<org_slug>/ by the root URLconf, before the core's admin pages.
urlpatterns = [
    path("", views.index, name="index"),
    path("report/", views.report, name="report"),
    path("report.pdf", views.report_pdf, name="report_pdf"),
    path("report/prepare/", views.report_prepare, name="report_prepare"),
    path("report/<int:pk>/", views.report_status, name="report_status"),
    path("evidence/", views.evidence, name="evidence"),
    path("evidence.xlsx", views.evidence_xlsx, name="evidence_xlsx"),
    path("evidence.pdf", views.evidence_pdf, name="evidence_pdf"),
    path("evidence/requirements/", views.requirement_list, name="requirement_list"),
    path("evidence/requirements/new/", views.requirement_edit, name="requirement_create"),
    path("evidence/requirements/<int:pk>/", views.requirement_edit, name="requirement_edit"),
]
