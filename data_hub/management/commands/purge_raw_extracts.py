"""Delete raw uploads whose retention period has passed (run it daily, e.g. from cron; every
ingest job also purges its organization's expired uploads)."""

from django.core.management.base import BaseCommand

from ... import services


class Command(BaseCommand):
    help = "Delete raw uploaded extracts whose retention period has passed."

    def handle(self, *args, **options):
        deleted = services.extracts_purge_raw()
        self.stdout.write(f"raw uploads deleted: {deleted}")
