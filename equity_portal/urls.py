from django.contrib import admin
from django.urls import include, path

from equity_portal.core import auth as core_auth
from equity_portal.core import views as core_views

# Step apps are included by dotted path so the core never imports them (import-linter).
org_patterns = [
    path("", include("overview.urls")),
    path("", include("equity_portal.core.urls")),
    path("commit/", include("commitments.urls")),
    path("learn/", include("learning.urls")),
    path("data/results/", include("data_hub.results.urls")),
    path("data/community/", include("data_hub.community.urls")),
    path("data/quality/", include("data_hub.quality.urls")),
    path("data/", include("data_hub.urls")),
    path("vision/", include("vision.urls")),
    path("improve/", include("improvement.urls")),
]

urlpatterns = [
    path("", core_views.start, name="start"),
    # Audited and throttled versions of three of django.contrib.auth's views (core/auth.py).
    path(
        "accounts/password_change/",
        core_auth.AuditedPasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password_reset/",
        core_auth.ThrottledPasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        core_auth.AuditedPasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("invitations/<str:token>/", core_views.invitation_accept, name="invitation_accept"),
    path("o/<slug:org_slug>/", include(org_patterns)),
    path("admin/", admin.site.urls),
]
