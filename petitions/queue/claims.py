"""The task worker's claims in a surge: fast while the queue is long, cheap to commit, and
deferred while the CPUs are saturated (each an execute wrapper, see task_worker).

Fast while the queue is long:
django-tasks-db claims the next task with ``… WHERE status = 'READY' AND (run_after = <max>
OR run_after <= now()) … ORDER BY priority DESC, run_after, enqueued_at LIMIT 1 FOR UPDATE
SKIP LOCKED``. While the table's statistics say few tasks are ready (a new or small table, or
any surge that outgrows the last ANALYZE), PostgreSQL plans it as a bitmap scan of every ready
row and a sort: each claim then costs time in proportion to the backlog (3.4 ms at 4,000 ready
rows here, against 0.05 ms), so a surge makes email sending slower the longer it lasts, and
those claims take CPU from signing. Without bitmap scans the same query walks the queue's
ordered partial index and stops at the first row it can lock.

The settings here are ``SET LOCAL``, for the claim's or update's own transaction only, so they
are safe behind PgBouncer in transaction mode and leave every other query of the worker alone.
"""

from __future__ import annotations

import time

from django.conf import settings

from petitions.queue.cpu_pressure import CpuPressure

CLAIM_SUFFIX = "FOR UPDATE SKIP LOCKED"


def is_claim(sql: str) -> bool:
    from django_tasks_db.models import DBTaskResult

    return sql.endswith(CLAIM_SUFFIX) and f'FROM "{DBTaskResult._meta.db_table}"' in sql


def plan_claims_on_the_index(execute, sql, params, many, context):
    """A ``connection.execute_wrapper`` that plans task claims without bitmap scans."""
    if not many and is_claim(sql):
        sql = "SET LOCAL enable_bitmapscan TO off; " + sql
    return execute(sql, params, many, context)


def is_status_update(sql: str) -> bool:
    from django_tasks_db.models import DBTaskResult

    return sql.startswith(f'UPDATE "{DBTaskResult._meta.db_table}" SET "status"')


def commit_task_bookkeeping_without_waiting(execute, sql, params, many, context):
    """A ``connection.execute_wrapper`` under which a task's claim and its status changes
    commit without waiting for the disk.

    Each email of a surge claims its task and marks it done: two commits that would each wait
    for a WAL flush, beside the signatures' own. Losing one in a crash only means the task runs
    again (a lost "done" leaves it claimed, and ``requeue_stalled_tasks`` gives it back), which
    the queue's at-least-once promise already allows. Other statements are left alone.
    """
    if not many and (is_claim(sql) or is_status_update(sql)):
        sql = "SET LOCAL synchronous_commit TO off; " + sql
    return execute(sql, params, many, context)


# How long the worker waits before claiming a task while the CPUs are saturated.
YIELD_SECONDS = 0.1
# This process's reading of the CPUs' pressure (it keeps the last window's start).
cpu_pressure = CpuPressure()


def yield_to_busy_cpus(execute, sql, params, many, context):
    """A ``connection.execute_wrapper`` under which the worker, before claiming a task, waits
    YIELD_SECONDS while the CPUs are saturated (``WORKER_YIELD_PRESSURE``).

    On a box shared with the web server, every millisecond an email takes in a surge (rendering
    it, and its queue bookkeeping in PostgreSQL at full priority) is taken from signing; a low
    CPU priority alone does not stop that. Emails are queued durably, so they can wait: the
    worker then sends about ten a second until the pressure falls, then at full speed. The
    wait comes before the claim's transaction begins, so no lock or snapshot is held.
    """
    threshold = settings.WORKER_YIELD_PRESSURE
    if threshold and not many and is_claim(sql):
        pressure = cpu_pressure.read()
        if pressure is not None and pressure > threshold:
            time.sleep(YIELD_SECONDS)
    return execute(sql, params, many, context)
