from django.urls import path

from . import views

app_name = "community"

# Mounted under /o/<org_slug>/data/community/ by the root URLconf.
urlpatterns = [
    path("", views.index, name="index"),
    path("community-data.csv", views.export_csv, name="export_csv"),
    path("new/", views.edit, name="create"),
    path("upload/", views.upload, name="upload"),
    path("<int:pk>/", views.edit, name="edit"),
    path("<int:pk>/delete/", views.delete, name="delete"),
]
