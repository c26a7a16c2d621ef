from django.core.management.base import BaseCommand
from django_tasks_db.backend import DatabaseBackend

from petitions.rights.retention import purge_expired
from petitions.rights.tasks import purge_expired as purge_expired_task
from petitions.rights.tasks import schedule_purge


class Command(BaseCommand):
    help = (
        "Delete expired unconfirmed signatures and anonymise those of closed, delivered "
        "petitions (see docs/SECURITY.md). With --schedule, only make sure the worker runs "
        "the purge every PURGE_INTERVAL_SECONDS."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--schedule",
            action="store_true",
            help="Queue the self-repeating purge task unless one is already waiting.",
        )

    def handle(self, *args, schedule, **options):
        if schedule:
            if not isinstance(purge_expired_task.get_backend(), DatabaseBackend):
                self.stdout.write(
                    "not scheduled: the task backend is not the database queue; run "
                    "`manage.py purge_expired` from a timer (docs/SECURITY.md)"
                )
            elif schedule_purge():
                self.stdout.write("purge task queued")
            else:
                self.stdout.write("purge task already waiting")
            return
        for line in purge_expired().lines():
            self.stdout.write(line)
