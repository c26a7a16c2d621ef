"""Keeping the task worker's claim query fast while the queue is long.

django-tasks-db claims the next task with ``… WHERE status = 'READY' AND (run_after = <max>
OR run_after <= now()) … ORDER BY priority DESC, run_after, enqueued_at LIMIT 1 FOR UPDATE
SKIP LOCKED``. While the table's statistics say few tasks are ready (a new or small table, or
any surge that outgrows the last ANALYZE), PostgreSQL plans it as a bitmap scan of every ready
row and a sort: each claim then costs time in proportion to the backlog (3.4 ms at 4,000 ready
rows here, against 0.05 ms), so a surge makes email sending slower the longer it lasts, and
those claims take CPU from signing. Without bitmap scans the same query walks the queue's
ordered partial index and stops at the first row it can lock.

The setting is ``SET LOCAL``, for the claim's own transaction only, so it is safe behind
PgBouncer in transaction mode and leaves every other query of the worker alone.
"""

from __future__ import annotations

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
