from django.apps import AppConfig


class QualityConfig(AppConfig):
    """Data quality of REaL fields (completeness by site and period, distributions)."""

    name = "data_hub.quality"
    label = "data_quality"
    verbose_name = "Data quality"

    def ready(self):
        from data_hub.results import exports as results_exports

        from .exports import QUALITY_EXPORT

        # Quality's export, offered through the results' downloads and export_results.
        results_exports.register("quality", QUALITY_EXPORT)
