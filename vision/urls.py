from django.urls import path

from . import views

app_name = "vision"

# Mounted under /o/<org_slug>/vision/ by the root URLconf.
urlpatterns = [
    path("", views.index, name="index"),
    # vision statement
    path("statement/", views.statement, name="statement"),
    path("statement/save/", views.statement_save, name="statement_save"),
    path("statement/<int:pk>/submit/", views.statement_submit, name="statement_submit"),
    path("statement/<int:pk>/decide/", views.statement_decide, name="statement_decide"),
    # priority inequities
    path("priorities/", views.priority_list, name="priority_list"),
    path("priorities.csv", views.priority_list_csv, name="priority_list_csv"),
    path("priorities/new/", views.priority_create, name="priority_create"),
    path("priorities/<int:pk>/", views.priority_detail, name="priority_detail"),
    path("priorities/<int:pk>/edit/", views.priority_edit, name="priority_edit"),
    path("priorities/<int:pk>/status/", views.priority_status, name="priority_status"),
    # teams
    path("teams/", views.team_list, name="team_list"),
    path("teams.csv", views.team_list_csv, name="team_list_csv"),
    path("teams/new/", views.team_create, name="team_create"),
    path("teams/<int:pk>/", views.team_detail, name="team_detail"),
    path("teams/<int:pk>/edit/", views.team_edit, name="team_edit"),
    # charters
    path("charters/", views.charter_list, name="charter_list"),
    path("charters.csv", views.charter_list_csv, name="charter_list_csv"),
    path("charters/new/", views.charter_create, name="charter_create"),
    path("charters/<int:pk>/", views.charter_detail, name="charter_detail"),
    path("charters/<int:pk>/edit/", views.charter_edit, name="charter_edit"),
    path("charters/<int:pk>/submit/", views.charter_submit, name="charter_submit"),
    path("charters/<int:pk>/decide/", views.charter_decide, name="charter_decide"),
    path("charters/<int:pk>/revise/", views.charter_revise, name="charter_revise"),
    path("charters/<int:pk>/measures/", views.charter_measure_add, name="charter_measure_add"),
    path(
        "charters/<int:charter_pk>/measures/<int:pk>/remove/",
        views.charter_measure_remove,
        name="charter_measure_remove",
    ),
    path(
        "charters/<int:pk>/milestones/", views.charter_milestone_add, name="charter_milestone_add"
    ),
    path(
        "charters/<int:charter_pk>/milestones/<int:pk>/remove/",
        views.charter_milestone_remove,
        name="charter_milestone_remove",
    ),
    path("charters/<int:pk>/partners/", views.charter_partner_add, name="charter_partner_add"),
    path(
        "charters/<int:charter_pk>/partners/<int:pk>/remove/",
        views.charter_partner_remove,
        name="charter_partner_remove",
    ),
    path("charters/<int:pk>/goals/new/", views.goal_create, name="goal_create"),
    # SMART goals
    path("goals.csv", views.goals_csv, name="goals_csv"),
    path("goals/<int:pk>/", views.goal_detail, name="goal_detail"),
    path("goals/<int:pk>/edit/", views.goal_edit, name="goal_edit"),
    path("goals/<int:pk>/delete/", views.goal_delete, name="goal_delete"),
    path("goals/<int:pk>/baseline/", views.goal_baseline, name="goal_baseline"),
    # community partners
    path("partners/", views.partner_list, name="partner_list"),
    path("partners.csv", views.partner_list_csv, name="partner_list_csv"),
    path("partners/new/", views.partner_create, name="partner_create"),
    path("partners/<int:pk>/", views.partner_detail, name="partner_detail"),
    path("partners/<int:pk>/edit/", views.partner_edit, name="partner_edit"),
]
