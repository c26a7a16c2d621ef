"""Queueing a task in the SQL that creates the row it is about.

When tasks live in this database (django-tasks-db, the default backend), the signing function
(petitions_sign, migration 0008) inserts the email task itself: the task row is written by
the same statement, in the same commit, as the signature, and no model is built in Python.
The row is the one that ``Task.enqueue`` would write (same columns and values), so the
ordinary worker runs it. With any other backend (Redis, immediate) ``enqueue_in_sql`` says no
and the caller enqueues as usual.
"""

from __future__ import annotations

from django_tasks.base import DEFAULT_TASK_QUEUE_NAME, Task
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import get_date_max


def enqueue_in_sql(task: Task) -> bool:
    """Whether ``task`` can be queued by inserting its row in SQL."""
    return isinstance(task.get_backend(), DatabaseBackend)


def task_params(task: Task) -> dict:
    """The values of one task's row, as ``Task.enqueue`` would store them."""
    backend = task.get_backend()
    return {
        "task_id": backend._get_id(),
        "task_path": task.module_path,
        "task_priority": task.priority,
        "task_queue": task.queue_name or DEFAULT_TASK_QUEUE_NAME,
        "task_backend": backend.alias,
        "task_run_after": task.run_after or get_date_max(),
    }
