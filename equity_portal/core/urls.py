from django.urls import path

from . import views

app_name = "core"

# Mounted under /o/<org_slug>/ by the root URLconf (the overview app owns /o/<org_slug>/ itself).
urlpatterns = [
    path("admin/", views.members, name="members"),
    path("admin/invite/", views.invite, name="invite"),
    path("admin/members/<int:pk>/role/", views.change_role, name="change_role"),
    path("admin/members/<int:pk>/deactivate/", views.deactivate, name="deactivate"),
    path(
        "admin/members/<int:pk>/reactivate/",
        views.set_active,
        {"active": True},
        name="reactivate",
    ),
    path("admin/invitations/<int:pk>/revoke/", views.revoke_invitation, name="revoke_invitation"),
    path("admin/settings/", views.organization_settings, name="organization_settings"),
    path("admin/audit/", views.audit_log, name="audit_log"),
    path("admin/audit.csv", views.audit_log_csv, name="audit_log_csv"),
    path("jobs/<int:pk>/", views.job_status, name="job_status"),
]
