"""``manage.py task_worker``: django-tasks-db's ``db_worker`` with fast claims under a backlog.

It takes the same options as ``db_worker``; see petitions/queue_claims.py for what differs.
"""

from django.db import connections
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from petitions.queue_claims import plan_claims_on_the_index


class Command(DbWorkerCommand):
    help = DbWorkerCommand.help + " Task claims use the queue's index however long the queue."

    def handle(self, *args, **options):
        with connections["default"].execute_wrapper(plan_claims_on_the_index):
            return super().handle(*args, **options)
