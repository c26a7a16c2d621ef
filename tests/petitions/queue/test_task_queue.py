"""The confirmation email's task row, written by the signing statement, and the worker."""

import pytest
from django.core import mail
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from petitions.mail.tasks import send_confirmation_email
from petitions.models import Signature
from tests.petitions.helpers import sign

pytestmark = pytest.mark.django_db


def task_row(result_id) -> dict:
    fields = [
        "status",
        "args_kwargs",
        "priority",
        "task_path",
        "worker_ids",
        "queue_name",
        "backend_name",
        "run_after",
        "return_value",
        "exception_class_path",
        "traceback",
        "started_at",
        "finished_at",
    ]
    return DBTaskResult.objects.filter(pk=result_id).values(*fields).get()


def test_signing_writes_the_same_task_row_as_enqueue(client, br_petition):
    sign(client, lang="pt-br", slug="tiremeurostodasuamira")
    signature = Signature.objects.get()
    written = DBTaskResult.objects.get()
    enqueued = send_confirmation_email.enqueue(signature_id=signature.pk)

    assert task_row(written.pk) == task_row(enqueued.id)
    assert written.args_kwargs == {"args": [], "kwargs": {"signature_id": signature.pk}}
    assert written.task.func is send_confirmation_email.func
    assert written.enqueued_at == signature.created_at


@pytest.mark.django_db(transaction=True)  # the worker closes connections between tasks
def test_task_worker_sends_the_email_written_by_the_signing_statement(client, br_petition):
    sign(client, lang="pt-br", slug="tiremeurostodasuamira", email="ana@example.org")

    call_command("task_worker", "--batch", "--no-startup-delay", "--worker-id", "test")

    assert [m.to for m in mail.outbox] == [["ana@example.org"]]
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
