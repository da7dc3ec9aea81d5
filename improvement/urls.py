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
    path("campaigns/<int:pk>/summary/", views.campaign_summary, name="campaign_summary"),
    path("campaigns/<int:pk>/cycles.csv", views.campaign_cycles_csv, name="campaign_cycles_csv"),
    path("cycles/<int:pk>/", views.cycle_detail, name="cycle_detail"),
    path("cycles/<int:pk>/edit/", views.cycle_edit, name="cycle_edit"),
    path("goals/", views.goal_list, name="goal_list"),
    path("goals.csv", views.goal_list_csv, name="goal_list_csv"),
    path("goals/<int:pk>/", views.goal_detail, name="goal_detail"),
    path("goals/<int:pk>/chart.csv", views.goal_chart_csv, name="goal_chart_csv"),
    path("goals/<int:pk>/rebaseline/", views.goal_rebaseline, name="goal_rebaseline"),
    path("goals/<int:pk>/respond/", views.goal_respond, name="goal_respond"),
]
