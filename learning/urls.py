from django.urls import path

from . import views

app_name = "learning"

# Mounted under /o/<org_slug>/learn/ by the root URLconf.
urlpatterns = [
    path("", views.index, name="index"),
    path("seed/", views.seed_defaults, name="seed_defaults"),
    # library
    path("library/", views.resource_list, name="resource_list"),
    path("library.csv", views.resource_list_csv, name="resource_list_csv"),
    path("library/new/", views.resource_create, name="resource_create"),
    path("library/<int:pk>/", views.resource_detail, name="resource_detail"),
    path("library/<int:pk>/edit/", views.resource_edit, name="resource_edit"),
    path("library/<int:pk>/delete/", views.resource_delete, name="resource_delete"),
    # glossary
    path("glossary/", views.glossary, name="glossary"),
    path("glossary.csv", views.glossary_csv, name="glossary_csv"),
    path("glossary/new/", views.glossary_term_create, name="glossary_term_create"),
    path("glossary/<slug:slug>/", views.glossary_term, name="glossary_term"),
    path("glossary/<slug:slug>/edit/", views.glossary_term_edit, name="glossary_term_edit"),
    path("glossary/<slug:slug>/delete/", views.glossary_term_delete, name="glossary_term_delete"),
    # teams
    path("teams/", views.team_list, name="team_list"),
    path("teams.csv", views.team_list_csv, name="team_list_csv"),
    path("teams/new/", views.team_create, name="team_create"),
    path("teams/<int:pk>/", views.team_detail, name="team_detail"),
    path("teams/<int:pk>/edit/", views.team_edit, name="team_edit"),
    # plans
    path("plans/", views.plan_list, name="plan_list"),
    path("plans.csv", views.plan_list_csv, name="plan_list_csv"),
    path("plans/new/", views.plan_create, name="plan_create"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/items/add/", views.plan_item_add, name="plan_item_add"),
    path(
        "plans/<int:plan_pk>/items/<int:pk>/remove/",
        views.plan_item_remove,
        name="plan_item_remove",
    ),
    path("plans/<int:plan_pk>/items/<int:pk>/done/", views.plan_item_done, name="plan_item_done"),
    path(
        "plans/<int:plan_pk>/items/<int:pk>/reopen/",
        views.plan_item_undone,
        name="plan_item_undone",
    ),
    # progress
    path("progress/", views.progress, name="progress"),
    path("progress.csv", views.progress_csv, name="progress_csv"),
    # sessions
    path("sessions/", views.session_list, name="session_list"),
    path("sessions.csv", views.session_list_csv, name="session_list_csv"),
    path("sessions/new/", views.session_create, name="session_create"),
    path("sessions/<int:pk>/", views.session_detail, name="session_detail"),
    path("sessions/<int:pk>/edit/", views.session_edit, name="session_edit"),
    path("sessions/<int:pk>/reflect/", views.session_reflect, name="session_reflect"),
]
