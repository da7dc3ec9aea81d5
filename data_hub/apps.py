from django.apps import AppConfig


class DataHubConfig(AppConfig):
    name = "data_hub"
    verbose_name = "Data hub"
