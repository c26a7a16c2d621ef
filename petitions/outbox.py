"""Queueing a task inside the SQL statement that creates the row it is about.

When tasks live in this database (django-tasks-db, the default backend), the signing statement
can insert its email task itself: the task row is written by the same statement, in the same
commit, as the signature, and no model is built in Python. The row is the one that
``Task.enqueue`` would write (same columns and values), so the ordinary worker runs it. With
any other backend (Redis, immediate) ``enqueue_in_sql`` says no and the caller enqueues as
usual.
"""

from __future__ import annotations

import functools

from django_tasks.base import DEFAULT_TASK_QUEUE_NAME, Task, TaskResultStatus
from django_tasks_db.backend import DatabaseBackend


def enqueue_in_sql(task: Task) -> bool:
    """Whether ``task`` can be queued by inserting its row in SQL (see ``task_insert_sql``)."""
    return isinstance(task.get_backend(), DatabaseBackend)


@functools.cache
def task_insert_sql(*, source: str, kwarg: str) -> str:
    """An ``INSERT … SELECT`` queueing one task per row of ``source`` (a CTE or table name),
    with ``{kwarg: source.id}`` as its only keyword argument.

    Its parameters: ``task_id`` (from ``task_params``), ``task_path``, ``task_priority``,
    ``task_queue``, ``task_backend``, ``task_run_after`` and ``now``.
    """
    from django_tasks_db.models import DBTaskResult

    return f"""
    INSERT INTO {DBTaskResult._meta.db_table}
        (id, status, enqueued_at, args_kwargs, priority, task_path, worker_ids, queue_name,
         backend_name, run_after, exception_class_path, traceback)
    SELECT %(task_id)s, '{TaskResultStatus.READY.value}', %(now)s,
           jsonb_build_object('args', '[]'::jsonb, 'kwargs',
                              jsonb_build_object('{kwarg}', {source}.id)),
           %(task_priority)s, %(task_path)s, '[]'::jsonb, %(task_queue)s, %(task_backend)s,
           %(task_run_after)s, '', ''
    FROM {source}
    """


def task_params(task: Task) -> dict:
    """The values ``task_insert_sql`` needs for one task, as ``Task.enqueue`` would store them."""
    from django_tasks_db.models import get_date_max

    backend = task.get_backend()
    return {
        "task_id": backend._get_id(),
        "task_path": task.module_path,
        "task_priority": task.priority,
        "task_queue": task.queue_name or DEFAULT_TASK_QUEUE_NAME,
        "task_backend": backend.alias,
        "task_run_after": task.run_after or get_date_max(),
    }
