"""The confirmation email's task row, written by the signing statement, and the worker's claims."""

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult

from petitions.mail.tasks import send_confirmation_email
from petitions.models import Signature
from petitions.queue import claims as queue_claims
from petitions.queue.claims import is_claim, plan_claims_on_the_index
from petitions.queue.cpu_pressure import CpuPressure
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

    with CaptureQueriesContext(connection) as queries:
        call_command("task_worker", "--batch", "--no-startup-delay", "--worker-id", "test")

    assert [m.to for m in mail.outbox] == [["ana@example.org"]]
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    # The claims and both status changes (running, then successful) commit without waiting.
    table = DBTaskResult._meta.db_table
    bookkeeping = [
        q["sql"] for q in queries.captured_queries if f'"{table}"' in q["sql"] and "SET" in q["sql"]
    ]
    claims = [sql for sql in bookkeeping if sql.endswith("FOR UPDATE SKIP LOCKED")]
    updates = [sql for sql in bookkeeping if f'UPDATE "{table}" SET "status"' in sql]
    assert len(claims) == 2  # the task's, then the empty queue's that ends the batch
    assert len(updates) == 2
    assert all("SET LOCAL synchronous_commit TO off; " in sql for sql in claims + updates)


def test_the_worker_claim_is_recognised_and_planned_on_the_queue_index(br_petition):
    for number in range(3):
        send_confirmation_email.enqueue(signature_id=number)
    claim = DBTaskResult.objects.ready().filter(backend_name="default", queue_name__in=["default"])

    with (
        connection.execute_wrapper(plan_claims_on_the_index),
        CaptureQueriesContext(connection) as queries,
    ):
        assert claim.get_locked() is not None

    (sql,) = [q["sql"] for q in queries.captured_queries if "SKIP LOCKED" in q["sql"]]
    assert sql.startswith("SET LOCAL enable_bitmapscan TO off; SELECT ")
    assert is_claim(sql.removeprefix("SET LOCAL enable_bitmapscan TO off; "))


def test_claim_plan_walks_the_index_even_when_statistics_say_the_queue_is_empty(br_petition):
    with connection.cursor() as cursor:
        # Statistics of an empty table, then a backlog they do not know about.
        cursor.execute(f"ANALYZE {DBTaskResult._meta.db_table}")
    for number in range(2000):
        send_confirmation_email.enqueue(signature_id=number)
    claim = DBTaskResult.objects.ready().filter(backend_name="default", queue_name__in=["default"])
    sql, params = claim.select_for_update(skip_locked=True)[:1].query.sql_with_params()

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_bitmapscan TO off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "Index Scan using tasks_db_new_ordering_idx" in plan
    assert "Bitmap" not in plan and "Sort" not in plan


def write_pressure(path, total_us):
    path.write_text(f"some avg10=0.00 avg60=0.00 avg300=0.00 total={total_us}\n")


def test_cpu_pressure_is_the_stalled_share_of_each_window(tmp_path, monkeypatch):
    path = tmp_path / "cpu"
    clock = [100.0]
    monkeypatch.setattr("petitions.queue.cpu_pressure.time.monotonic", lambda: clock[0])
    pressure = CpuPressure(str(path), window=0.5)
    write_pressure(path, 1_000_000)
    assert pressure.read() == 0.0
    clock[0] += 0.2
    write_pressure(path, 1_150_000)
    assert pressure.read() == 0.0  # the window is not over yet
    clock[0] += 0.3
    write_pressure(path, 1_400_000)
    assert pressure.read() == pytest.approx(80.0)  # 0.4 s stalled in 0.5 s
    assert CpuPressure(str(tmp_path / "missing")).read() is None


def test_worker_waits_before_a_claim_only_while_the_cpus_are_saturated(settings, monkeypatch):
    settings.WORKER_YIELD_PRESSURE = 50
    waits = []
    monkeypatch.setattr("petitions.queue.claims.time.sleep", waits.append)
    share = [90.0]
    monkeypatch.setattr(queue_claims.cpu_pressure, "read", lambda: share[0])
    claim = 'SELECT * FROM "django_tasks_database_dbtaskresult" LIMIT 1 FOR UPDATE SKIP LOCKED'

    def execute(sql, params, many, context):
        return sql

    assert queue_claims.yield_to_busy_cpus(execute, claim, [], False, {}) == claim
    assert queue_claims.yield_to_busy_cpus(execute, "SELECT 1", [], False, {}) == "SELECT 1"
    share[0] = 20.0
    queue_claims.yield_to_busy_cpus(execute, claim, [], False, {})
    settings.WORKER_YIELD_PRESSURE = 0
    share[0] = 100.0
    queue_claims.yield_to_busy_cpus(execute, claim, [], False, {})
    assert waits == [queue_claims.YIELD_SECONDS]
