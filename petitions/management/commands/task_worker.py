"""``manage.py task_worker``: django-tasks-db's ``db_worker``, made for a surge's backlog.

It takes the same options as ``db_worker``; see petitions/queue_claims.py for what differs.
"""

from django.conf import settings
from django.db import connections
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from petitions.queue_claims import (
    commit_task_bookkeeping_without_waiting,
    plan_claims_on_the_index,
    yield_to_busy_cpus,
)


class Command(DbWorkerCommand):
    help = (
        DbWorkerCommand.help + " Task claims use the queue's index however long the queue, and"
        " a task's claim and status commit without waiting for the disk, and while the CPUs are"
        " saturated the worker waits before each claim."
    )

    def handle(self, *args, **options):
        connection = connections["default"]
        if "queue_claims" in settings.BENCH_DISABLED:  # benchmark only
            with connection.execute_wrapper(yield_to_busy_cpus):
                return super().handle(*args, **options)
        with (
            connection.execute_wrapper(yield_to_busy_cpus),
            connection.execute_wrapper(commit_task_bookkeeping_without_waiting),
            connection.execute_wrapper(plan_claims_on_the_index),
        ):
            return super().handle(*args, **options)
