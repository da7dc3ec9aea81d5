"""Settings read from the environment (one `env` object; malformed values fail loudly).

Defaults give the embedded setup: SQLite and a Celery broker on the filesystem, so the demo and
the tests need nothing but Python. Production overrides in `production.py`.
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"


class Env(environ.Env):
    """django-environ, except that a boolean must be spelled as one: `DEBUG=treu` is an error,
    not False."""

    TRUE = {"true", "1", "yes", "on"}
    FALSE = {"false", "0", "no", "off"}

    def bool(self, var, default=environ.Env.NOTSET):
        raw = self.ENVIRON.get(var)
        if raw is None:
            if default is environ.Env.NOTSET:
                raise ImproperlyConfigured(f"Set the {var} environment variable")
            return default
        value = raw.strip().lower()
        if value in self.TRUE:
            return True
        if value in self.FALSE:
            return False
        raise ImproperlyConfigured(
            f"{var}={raw!r} is not a boolean: use true or false (also 1/0, yes/no, on/off)."
        )


env = Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str(
    "SECRET_KEY", default="dev-only-insecure-key-change-me-in-production-0123456789abcdefghij"
)
# Pseudonymization keys are derived from this secret (HKDF, per organization). It defaults to
# SECRET_KEY, but rotating SECRET_KEY would then change every pseudonym: set it separately.
PSEUDONYMIZATION_SECRET = env.str("PSEUDONYMIZATION_SECRET", default=SECRET_KEY)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "axes",
    "csp",
    "equity_portal.core",
    "commitments",
    "learning",
    "data_hub",
    "data_hub.results",
    "data_hub.community",
    "data_hub.quality",
    "vision",
    "improvement",
    "overview",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    "equity_portal.core.auth.IdleTimeoutMiddleware",
    "equity_portal.core.tenancy.OrganizationMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "equity_portal.urls"
WSGI_APPLICATION = "equity_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "equity_portal.core.context_processors.portal",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file (not memory) for the test database too, so a real worker process can share it;
    # IMMEDIATE transactions and a busy timeout keep the web process and the worker from
    # failing on "database is locked".
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test_db.sqlite3")}
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "start"
LOGOUT_REDIRECT_URL = "login"

# Login throttling: five failures for one account (from any address), or AXES_IP_FAILURE_LIMIT
# failures from one address (over any accounts), lock it for 15 min (core/auth.py).
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_IP_FAILURE_LIMIT = env.int("AXES_IP_FAILURE_LIMIT", default=20)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username"], ["ip_address"]]
AXES_HANDLER = "equity_portal.core.auth.PortalAxesHandler"
# The login form posts `username` (axes would default to USERNAME_FIELD, "email", find no
# username and never lock a real account: tests/core/test_login_lockout.py).
AXES_USERNAME_FORM_FIELD = "username"
# Case variants of one email share one failure count.
AXES_USERNAME_CALLABLE = "equity_portal.core.auth.axes_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
AXES_VERBOSE = False

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)
# Signed out after this many minutes without a request (core/auth.py IdleTimeoutMiddleware).
SESSION_IDLE_TIMEOUT_MINUTES = env.int("SESSION_IDLE_TIMEOUT_MINUTES", default=30)
# Password-reset emails: at most this many per address, and per client address, per hour.
PASSWORD_RESET_EMAILS_PER_HOUR = env.int("PASSWORD_RESET_EMAILS_PER_HOUR", default=3)
PASSWORD_RESET_REQUESTS_PER_IP_PER_HOUR = env.int(
    "PASSWORD_RESET_REQUESTS_PER_IP_PER_HOUR", default=10
)
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy (django-csp 4): scripts only from our own static files (htmx,
# Bootstrap and plotly are served locally; charts read their data from json_script blocks).
# Styles allow 'unsafe-inline' because plotly writes style attributes on the SVG it draws.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Uploaded extracts and derived Parquet files hold pseudonymized or raw PHI: never under a URL.
PRIVATE_STORAGE_ROOT = env.path("PRIVATE_STORAGE_ROOT", default=VAR_DIR / "private")
MAX_UPLOAD_MB = env.int("MAX_UPLOAD_MB", default=500)
# What the worker agrees to read from one upload (a file over a limit gets a clear message).
UPLOAD_MAX_COLUMNS = env.int("UPLOAD_MAX_COLUMNS", default=500)
UPLOAD_MAX_ROWS = env.int("UPLOAD_MAX_ROWS", default=20_000_000)
UPLOAD_MAX_CELL_CHARS = env.int("UPLOAD_MAX_CELL_CHARS", default=32_767)
UPLOAD_MAX_UNCOMPRESSED_MB = env.int("UPLOAD_MAX_UNCOMPRESSED_MB", default=2048)
UPLOAD_MAX_SHARED_STRINGS_MB = env.int("UPLOAD_MAX_SHARED_STRINGS_MB", default=256)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024  # larger uploads stream to a temporary file
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Equity Portal <noreply@localhost>")

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Celery. The default broker is kombu's filesystem transport: no server to run.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = Path(env.str("CELERY_FILESYSTEM_DIR", default=str(VAR_DIR / "celery"))).resolve()
    for _sub in ("queue", "processed", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "store_processed": False,
        "control_folder": str(_broker_dir / "control"),
    }
# Job state lives in the database (the Job row the pages poll), so no result backend is needed.
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# Jobs whose worker died (issue 15): a running job touches its heartbeat every
# JOB_HEARTBEAT_SECONDS; one silent for JOB_STALE_SECONDS is put back in the queue by the
# periodic task, or marked failed once it has been tried JOB_MAX_ATTEMPTS times.
JOB_HEARTBEAT_SECONDS = env.int("JOB_HEARTBEAT_SECONDS", default=30)
JOB_STALE_SECONDS = env.int("JOB_STALE_SECONDS", default=300)
JOB_MAX_ATTEMPTS = env.int("JOB_MAX_ATTEMPTS", default=3)
# Raw uploads never processed (uploaded, waiting, failed) are deleted after this many hours.
RAW_UPLOAD_MAX_HOURS = env.int("RAW_UPLOAD_MAX_HOURS", default=72)
# Periodic work, run by one `celery -A equity_portal beat` process beside the workers.
# A tick no worker took before the next one is dropped (`expires`): they do not pile up.
_RECOVERY_EVERY = env.int("JOB_RECOVERY_INTERVAL_SECONDS", default=60)
_PURGE_EVERY = env.int("RAW_PURGE_INTERVAL_SECONDS", default=900)
CELERY_BEAT_SCHEDULE = {
    "recover-stale-jobs": {
        "task": "core.jobs_recover_stale",
        "schedule": _RECOVERY_EVERY,
        "options": {"expires": _RECOVERY_EVERY},
    },
    "purge-raw-uploads": {
        "task": "data_hub.purge_raw_uploads",
        "schedule": _PURGE_EVERY,
        "options": {"expires": _PURGE_EVERY},
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
