"""The retention purge as a self-rescheduling background task."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task
from django_tasks.base import TaskResultStatus
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from petitions.rights.retention import purge_expired as purge


@task()
def purge_expired(reschedule: bool = True) -> None:
    """Run the retention purge, then queue the next run PURGE_INTERVAL_SECONDS later.

    django-tasks has no scheduler, so the task keeps itself going; `manage.py purge_expired
    --schedule` (run by the launcher) starts the chain when no run is waiting.
    """
    purge()
    if reschedule:
        schedule_purge(delay=settings.PURGE_INTERVAL_SECONDS)


def schedule_purge(*, delay: int = 0) -> bool:
    """Queue a purge run unless one is already waiting; returns whether one was queued.

    Only with the PostgreSQL task backend, whose queue can be asked what is waiting; with any
    other backend nothing is queued and a timer runs `manage.py purge_expired` instead.
    """
    if not isinstance(purge_expired.get_backend(), DatabaseBackend):
        return False
    with transaction.atomic():
        waiting = DBTaskResult.objects.select_for_update().filter(
            task_path=purge_expired.module_path, status=TaskResultStatus.READY
        )
        if waiting.exists():
            return False
        run_after = timezone.now() + datetime.timedelta(seconds=delay)
        purge_expired.using(run_after=run_after).enqueue()
    return True
