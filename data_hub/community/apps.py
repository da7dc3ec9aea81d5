from django.apps import AppConfig


class CommunityConfig(AppConfig):
    """Community data (CHNA, local health department, payers) beside patient data: its own
    Django app inside the data hub, so its models and migrations stand apart from ingest's."""

    name = "data_hub.community"
    label = "community"
    verbose_name = "Community data"
