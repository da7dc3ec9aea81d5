"""Production: PostgreSQL and Redis from the environment, HTTPS only, hashed static files.

`DJANGO_SETTINGS_MODULE=equity_portal.settings.production manage.py check --deploy` passes with
no warnings (tests/core/test_deploy_check.py).
"""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = env.str("SECRET_KEY")  # no default: refuse to start without one
# No default: pseudonyms derived from SECRET_KEY would all change when it is rotated.
PSEUDONYMIZATION_SECRET = env.str("PSEUDONYMIZATION_SECRET")
if PSEUDONYMIZATION_SECRET == SECRET_KEY:
    raise ImproperlyConfigured(
        "PSEUDONYMIZATION_SECRET must differ from SECRET_KEY (rotating the secret key must not "
        "change every pseudonym)."
    )

SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
