from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "equity_portal.core"
    label = "core"
    verbose_name = "Equity Portal core"
