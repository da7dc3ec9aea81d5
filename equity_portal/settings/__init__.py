# Development, demo and test settings. Production imports `equity_portal.settings.production`.
from .base import *  # noqa: F401,F403
