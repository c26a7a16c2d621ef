"""`make run` and `make serve`: prepare the database, then run the web server and a task worker.

With no DATABASE_URL it starts the embedded PostgreSQL, and stops it again on Ctrl-C.
Both children are supervised: one that dies (a crash, kill -9, a database restart that
broke the worker) is started again, so the service recovers with no manual step.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from campaign.conf.mail_settings import (
    UNDELIVERING_BACKENDS,
    backend_from_environ,
    undelivered_mail_error,
)
from campaign.devtools import embedded_db
from campaign.devtools.catalogs import compile_catalogs

BASE_DIR = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
# gunicorn's default format starts with %(h)s, the client's IP address; this one has none.
ACCESS_LOG_FORMAT = '%(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'


def manage(*args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=BASE_DIR, check=True)


def seed_arguments(mode: str) -> list[str]:
    """The demo partner's widget key is guessable: `make run` seeds it, `make serve` only with
    SEED_DEMO_PARTNER=1 (which seed_campaigns reads)."""
    return ["seed_campaigns", *(["--demo-partner"] if mode == "run" else [])]


def prepare(mode: str) -> None:
    compile_catalogs()
    manage("migrate", "--no-input", "-v", "0")
    manage(*seed_arguments(mode))
    manage("purge_expired", "--schedule")  # the worker then repeats it hourly
    if mode == "serve":
        manage("collectstatic", "--no-input", "-v", "0")


def web_workers() -> str:
    """Sync workers, two per core: the sign path waits on PostgreSQL commits, not on Python."""
    return os.environ.get("WEB_CONCURRENCY", str(2 * (os.cpu_count() or 1)))


def gunicorn_version() -> tuple[int, ...]:
    import gunicorn

    return tuple(gunicorn.version_info)


def web_command(mode: str, port: str) -> list[str]:
    host = os.environ.get("HOST", "127.0.0.1")
    if mode != "serve":
        return [PYTHON, "manage.py", "runserver", f"{host}:{port}"]
    command = [
        PYTHON,
        "-m",
        "gunicorn",
        "campaign.wsgi",
        "--bind",
        f"{host}:{port}",
        "--workers",
        web_workers(),
        "--worker-class",
        os.environ.get("GUNICORN_WORKER_CLASS", "sync"),
        "--threads",
        os.environ.get("GUNICORN_THREADS", "1"),
        "--timeout",
        "30",
        "--graceful-timeout",
        "10",
        # Recycle workers now and then, so memory stays bounded over days of traffic; seldom
        # enough that a surge (about 1,000 answers a second per worker) does not pay a cold
        # worker every few seconds.
        "--max-requests",
        "200000",
        "--max-requests-jitter",
        "20000",
    ]
    if os.environ.get("ACCESS_LOG"):
        command += ["--access-logfile", "-", "--access-logformat", ACCESS_LOG_FORMAT]
    # Otherwise no access log at all: pointed at /dev/null, gunicorn would still format a
    # line for every request.
    if gunicorn_version() >= (27,):
        command.append("--no-control-socket")  # unused; two instances on one host would share it
    # No --forwarded-allow-ips: gunicorn reads FORWARDED_ALLOW_IPS itself, and it only decides
    # whose X-Forwarded-Proto gunicorn believes, never REMOTE_ADDR. The client address comes
    # from TRUSTED_PROXY_COUNT (campaign.web.http.client_ip).
    return command


def worker_command(worker_id: str) -> list[str]:
    if os.environ.get("TASK_BACKEND", "db") == "rq":
        # SimpleWorker runs jobs in-process: forking per job cannot keep up with a surge.
        return [
            PYTHON,
            "manage.py",
            "rqworker",
            "--job-class",
            "django_tasks_rq.Job",
            "--worker-class",
            "rq.worker.SimpleWorker",
            "--with-scheduler",
            "--name",
            worker_id,
            "default",
        ]
    return [
        PYTHON,
        "manage.py",
        "task_worker",
        "--no-startup-delay",
        "--worker-id",
        worker_id,
        "--interval",
        "0.2",
    ]


def requeue_stalled(worker_id: str) -> None:
    """Give a dead worker's claimed tasks back to the queue (db backend): at least once."""
    if os.environ.get("TASK_BACKEND", "db") != "db":
        return
    subprocess.run(
        [PYTHON, "manage.py", "requeue_stalled_tasks", "--worker-id", worker_id],
        cwd=BASE_DIR,
        check=False,
    )


def run_below_the_web(niceness: int) -> None:
    """Lower this (child) process's CPU priority by ``niceness``.

    Where Linux groups processes by session for scheduling (autogroup, on by default), a nice
    value only ranks processes within one session: the worker would still take a full share
    against PostgreSQL's session. So the child gets a session of its own, whose group gets the
    same nice value; elsewhere only the nice value applies.
    """
    os.setsid()
    try:
        with open("/proc/self/autogroup", "w") as autogroup:
            autogroup.write(str(niceness))
    except OSError:  # no autogroup in this kernel, or not Linux
        pass
    os.nice(niceness)


class Child:
    """A supervised process, started again with a short back-off when it dies."""

    def __init__(self, name: str, command, *, on_restart=None, nice: int = 0):
        self.name = name
        self.command = command
        self.on_restart = on_restart
        self.nice = nice
        self.process: subprocess.Popen | None = None
        self.restarts = 0
        self.next_start = 0.0

    def start(self) -> None:
        niceness = self.nice
        self.process = subprocess.Popen(
            self.command(),
            cwd=BASE_DIR,
            preexec_fn=(lambda: run_below_the_web(niceness)) if niceness else None,
        )

    def check(self, now: float) -> None:
        if self.process is not None and self.process.poll() is None:
            return
        if self.process is not None:
            print(
                f"{self.name} exited with {self.process.returncode}; starting it again.",
                flush=True,
            )
            self.process = None
            self.next_start = now + min(5.0, 0.5 * 2 ** min(self.restarts, 4))
            self.restarts += 1
        if now >= self.next_start:
            if self.on_restart:
                self.on_restart()
            self.start()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)

    def wait(self) -> None:
        if self.process is None:
            return
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()


def envbool(name: str, default: str) -> bool:
    """campaign.settings.envbool, read here before (and without) loading the settings."""
    return os.environ.get(name, default).strip().lower() in ("1", "true", "yes", "on")


def mail_refusal() -> str | None:
    """Why this environment must not serve (DEBUG=0 without a real mail transport), or None."""
    return undelivered_mail_error(
        debug=envbool("DEBUG", "0"),
        backend=backend_from_environ(os.environ),
        allow_console=envbool("ALLOW_CONSOLE_MAIL", "0"),
    )


def console_mail() -> bool:
    return backend_from_environ(os.environ) in UNDELIVERING_BACKENDS


def main(mode: str) -> int:
    os.environ.setdefault("DEBUG", "1" if mode == "run" else "0")
    if refusal := mail_refusal():
        print(f"Not starting: {refusal}", file=sys.stderr, flush=True)
        return 2
    if mode == "serve" and envbool("ALLOW_CONSOLE_MAIL", "0") and console_mail():
        print(
            "ALLOW_CONSOLE_MAIL=1: mail goes to the console and files only, fine for a "
            "benchmark, never for real signers.",
            flush=True,
        )
    embedded = not os.environ.get("DATABASE_URL")
    if embedded:
        os.environ["DATABASE_URL"] = embedded_db.database_url()
        print(f"Embedded PostgreSQL running with data in {embedded_db.DATA_DIR}", flush=True)
    port = os.environ.get("PORT", "8000")
    os.environ["PORT"] = port
    prepare(mode)

    worker_id = os.environ.get("WORKER_ID", f"worker-{os.uname().nodename}-{port}")
    requeue_stalled(worker_id)  # tasks a previous run's worker held when it was killed
    web = Child("web server", lambda: web_command(mode, port))
    # On a shared box signing comes first in a surge: the email worker runs at the lowest
    # priority and catches up when the peak is over (bench/surge.py measures the difference).
    worker_nice = int(os.environ.get("WORKER_NICE", "19" if mode == "serve" else "0"))
    worker = Child(
        "task worker",
        lambda: worker_command(worker_id),
        on_restart=lambda: requeue_stalled(worker_id),
        nice=worker_nice,
    )
    children = [web, worker]
    for child in children:
        child.start()
    host = os.environ.get("HOST", "127.0.0.1")
    print(
        f"Serving on http://{host}:{port}/ with a task worker. Ctrl-C stops everything.",
        flush=True,
    )

    stopping = False

    def stop(signum, frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    try:
        while not stopping:
            now = time.monotonic()
            for child in children:
                child.check(now)
            time.sleep(0.3)
    finally:
        for child in children:
            child.stop()
        for child in children:
            child.wait()
        if embedded:
            embedded_db.stop()
            print("Embedded PostgreSQL stopped.", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "run"))
