"""Put tasks that a dead database-queue worker had claimed back in the queue."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult


class Command(BaseCommand):
    help = (
        "Mark RUNNING tasks last claimed by the given worker id as READY again. Run it only "
        "while that worker is not running (the launcher does so before (re)starting it)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--worker-id", required=True)

    def handle(self, *args, worker_id: str, **options):
        stalled = [
            result.pk
            for result in DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).only(
                "id", "worker_ids"
            )
            if result.worker_ids and result.worker_ids[-1] == worker_id
        ]
        requeued = DBTaskResult.objects.filter(
            pk__in=stalled, status=TaskResultStatus.RUNNING
        ).update(status=TaskResultStatus.READY, started_at=None)
        if requeued:
            self.stdout.write(f"Requeued {requeued} task(s) claimed by {worker_id}.")
