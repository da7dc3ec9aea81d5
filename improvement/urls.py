from django.urls import path

from . import views

app_name = "improvement"

# Mounted under /o/<org_slug>/improve/ by the root URLconf.
urlpatterns = [
    path("", views.index, name="index"),
    path("campaigns.csv", views.campaign_export, name="campaign_export"),
    path("campaigns/new/", views.campaign_create, name="campaign_create"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("campaigns/<int:pk>/edit/", views.campaign_edit, name="campaign_edit"),
    path("campaigns/<int:pk>/cycles/new/", views.cycle_create, name="cycle_create"),
    path("cycles/<int:pk>/", views.cycle_detail, name="cycle_detail"),
    path("cycles/<int:pk>/edit/", views.cycle_edit, name="cycle_edit"),
]
