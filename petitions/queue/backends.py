"""The Redis task backend for scale-out, made safe for enqueueing inside a transaction."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django_tasks.base import TaskResult, TaskResultStatus
from django_tasks.utils import get_random_id
from django_tasks_rq import RQBackend


class OnCommitRQBackend(RQBackend):
    """django-tasks-rq, but a job enqueued inside a transaction is pushed to Redis on commit.

    Redis is not part of the PostgreSQL transaction: pushed at once, a worker could run the
    job before the signature is committed (and find nothing to send), or a rolled-back
    signature would still be mailed. On commit, the only gap left is a crash between COMMIT
    and the push; the signer can then ask for the link again (the database backend has no gap).
    """

    def enqueue(self, task, args, kwargs) -> TaskResult:
        if not transaction.get_connection().in_atomic_block:
            return super().enqueue(task, args, kwargs)
        self.validate_task(task)
        transaction.on_commit(lambda: super(OnCommitRQBackend, self).enqueue(task, args, kwargs))
        return TaskResult(
            task=task,
            id=get_random_id(),
            status=TaskResultStatus.READY,
            enqueued_at=timezone.now(),
            started_at=None,
            last_attempted_at=None,
            finished_at=None,
            args=args,
            kwargs=kwargs,
            backend=self.alias,
            errors=[],
            worker_ids=[],
        )
