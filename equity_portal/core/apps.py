from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "equity_portal.core"
    label = "core"
    verbose_name = "Equity Portal core"

    def ready(self):
        from . import (
            auth,  # noqa: F401 - connects the log-in audit receivers
            revision,
        )

        revision.connect()
