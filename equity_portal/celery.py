import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "equity_portal.settings")

app = Celery("equity_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
