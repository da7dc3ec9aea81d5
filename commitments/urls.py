from django.urls import path

from . import views

app_name = "commitments"

# Mounted under /o/<org_slug>/commit/ by the root URLconf.
urlpatterns = [
    path("", views.index, name="index"),
    path("assessment/", views.assessment_list, name="assessment_list"),
    path("assessment/export.csv", views.assessment_export, name="assessment_export"),
    path("assessment/start/", views.assessment_start, name="assessment_start"),
    path("assessment/<int:pk>/", views.assessment_detail, name="assessment_detail"),
    path(
        "assessment/<int:pk>/answers.csv",
        views.assessment_answers_export,
        name="assessment_answers_export",
    ),
    path("assessment/questionnaire/", views.questionnaire, name="questionnaire"),
    path("assessment/questionnaire/edit/", views.questionnaire_edit, name="questionnaire_edit"),
    path("commitments/", views.commitment_list, name="commitment_list"),
    path("commitments/export.csv", views.commitment_export, name="commitment_export"),
    path("commitments/new/", views.commitment_create, name="commitment_create"),
    path("commitments/<int:pk>/", views.commitment_detail, name="commitment_detail"),
    path("commitments/<int:pk>/edit/", views.commitment_edit, name="commitment_edit"),
    path("commitments/<int:pk>/status/", views.commitment_status, name="commitment_status"),
    path("champions/", views.champion_list, name="champion_list"),
    path("champions/export.csv", views.champion_export, name="champion_export"),
    path("champions/new/", views.champion_create, name="champion_create"),
    path("champions/<int:pk>/edit/", views.champion_edit, name="champion_edit"),
    path("champions/<int:pk>/remove/", views.champion_remove, name="champion_remove"),
    path("listening/", views.listening_list, name="listening_list"),
    path("listening/export.csv", views.listening_export, name="listening_export"),
    path("listening/new/", views.listening_create, name="listening_create"),
    path("listening/<int:pk>/", views.listening_detail, name="listening_detail"),
    path("listening/<int:pk>/edit/", views.listening_edit, name="listening_edit"),
    path("listening/<int:pk>/delete/", views.listening_delete, name="listening_delete"),
    path(
        "listening/<int:pk>/themes/<int:theme_pk>/",
        views.listening_theme_link,
        name="listening_theme_link",
    ),
]
