"""``manage.py task_worker``: the task worker, django-tasks-db's ``db_worker`` as it ships.

It takes the same options as ``db_worker``. Under the project's own name so that the launcher,
the systemd unit and the benchmarks need not change when the worker does.
"""

from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand


class Command(DbWorkerCommand):
    pass
