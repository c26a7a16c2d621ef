"""Scale-out drill: two web instances and two Redis task workers on one PostgreSQL and Redis.

Two `make serve` launchers on two loopback ports, each with gunicorn and an rq worker
(TASK_BACKEND=rq, django-tasks-rq), sharing one database and one Redis database number.
Sign and confirm load is split across both; then the no-loss checks of the fault drill.

    python -m bench scaleout    # SCALEOUT_SECONDS=30, SCALEOUT_REDIS_URL=redis://127.0.0.1:6379/13

Skipped (not failed) when no Redis answers, as on a fresh laptop.
"""

from __future__ import annotations

import os
import secrets
import sys
import tempfile
import time
from pathlib import Path

import psycopg2

from bench.common import Server, database_url, machine_description, setup_django
from bench.faults import CLIENTS, SIGN_SLUG, Load, prepare_drill, report

SECONDS = int(os.environ.get("SCALEOUT_SECONDS", "30"))
REDIS_URL = os.environ.get("SCALEOUT_REDIS_URL", "redis://127.0.0.1:6379/13")


def redis_connection():
    from redis import Redis

    connection = Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    connection.ping()
    return connection


def queued_jobs(connection) -> int:
    """Jobs not finished yet: queued, running or scheduled (retries)."""
    from rq import Queue
    from rq.registry import ScheduledJobRegistry, StartedJobRegistry

    queue = Queue("default", connection=connection)
    return (
        queue.count
        + StartedJobRegistry(queue=queue).count
        + ScheduledJobRegistry(queue=queue).count
    )


def reset(url: str) -> None:
    conn = psycopg2.connect(url)
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute("SELECT to_regclass('petitions_signature')")
        if cursor.fetchone()[0] is not None:
            cursor.execute(
                "TRUNCATE petitions_consent, petitions_signature, petitions_signaturecount,"
                " django_tasks_database_dbtaskresult CASCADE"
            )
    conn.close()


def main() -> int:
    print(f"Machine: {machine_description()}", flush=True)
    try:
        redis = redis_connection()
    except Exception as error:  # no Redis here: nothing to drill
        print(f"SKIP: no Redis at {REDIS_URL} ({error})", flush=True)
        return 0
    redis.flushdb()  # the drill's own database number
    url = database_url("bench_scaleout")
    setup_django(url)
    reset(url)
    workdir = Path(tempfile.mkdtemp(prefix="bench-scaleout-"))
    common = {"TASK_BACKEND": "rq", "REDIS_URL": REDIS_URL, "WEB_CONCURRENCY": "2"}
    servers = [
        Server(database=url, workdir=workdir, env={**common, "WORKER_ID": f"scale-{name}"})
        for name in ("a", "b")
    ]
    try:
        for server in servers:  # one after the other: the first one migrates
            server.start(timeout=180)
        print(f"Instances: {', '.join(s.url for s in servers)}; Redis {REDIS_URL}", flush=True)
        tag = f"s{secrets.token_hex(3)}"
        links, token = prepare_drill(
            url, tag=tag, region="BR-MG", page_url=f"{servers[0].url}/en/{SIGN_SLUG}/"
        )

        load = Load([s.port for s in servers], token, links, tag)
        print(f"Load: {CLIENTS} clients split across both, {SECONDS}s", flush=True)
        load.run(SECONDS).join()
        per_port = {s.port: sum(1 for a in load.answers if a.port == s.port) for s in servers}
        rate = sum(1 for a in load.answers if a.status == 303) / SECONDS
        print(f"Answers per instance: {per_port}; {rate:.0f} accepted POSTs/s", flush=True)

        deadline = time.monotonic() + 180
        while (left := queued_jobs(redis)) and time.monotonic() < deadline:
            time.sleep(1)
        time.sleep(1)
        workers_seen = {
            key.decode().rsplit(":", 1)[-1]
            for key in redis.keys("rq:worker:*")
            if not key.decode().startswith("rq:workers")
        }
        print(f"rq workers registered: {sorted(workers_seen)}", flush=True)
        result = report(
            load, url, servers[0], tag, None, None, left, SECONDS, title="Scale-out drill"
        )
        both = all(count > 0 for count in per_port.values()) and len(workers_seen) >= 2
        print(
            f"  {'PASS' if both else 'FAIL'}  both instances answered and two workers ran",
            flush=True,
        )
        return 1 if result or not both else 0
    finally:
        for server in reversed(servers):
            server.stop()
        redis.flushdb()


if __name__ == "__main__":
    sys.exit(main())
