from django.apps import AppConfig


class QualityConfig(AppConfig):
    """Data quality of REaL fields (completeness by site and period, distributions)."""

    name = "data_hub.quality"
    label = "data_quality"
    verbose_name = "Data quality"
