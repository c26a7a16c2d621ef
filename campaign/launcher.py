"""`make run` and `make serve`: prepare the database, then run the web server and a task worker.

With no DATABASE_URL it starts the embedded PostgreSQL, and stops it again on Ctrl-C.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
# gunicorn's default format starts with %(h)s, the client's IP address; this one has none.
ACCESS_LOG_FORMAT = '%(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'


def manage(*args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=BASE_DIR, check=True)


def prepare(*, collect_static: bool) -> None:
    from campaign.catalogs import compile_catalogs

    compile_catalogs()
    manage("migrate", "--no-input", "-v", "0")
    manage("seed_campaigns")
    manage("purge_expired", "--schedule")  # the worker then repeats it hourly
    if collect_static:
        manage("collectstatic", "--no-input", "-v", "0")


def web_command(mode: str, port: str) -> list[str]:
    if mode == "serve":
        workers = os.environ.get("WEB_CONCURRENCY", str(2 * (os.cpu_count() or 1)))
        return [
            PYTHON,
            "-m",
            "gunicorn",
            "campaign.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            workers,
            "--access-logfile",
            "-" if os.environ.get("ACCESS_LOG") else "/dev/null",
            # Never the client address (%(h)s) nor the query string: see docs/SECURITY.md.
            "--access-logformat",
            ACCESS_LOG_FORMAT,
            "--graceful-timeout",
            "10",
        ]
    return [PYTHON, "manage.py", "runserver", f"127.0.0.1:{port}"]


def main(mode: str) -> int:
    embedded = not os.environ.get("DATABASE_URL")
    if embedded:
        from campaign import embedded_db

        os.environ["DATABASE_URL"] = embedded_db.database_url()
        print(f"Embedded PostgreSQL running with data in {embedded_db.DATA_DIR}", flush=True)
    os.environ.setdefault("DEBUG", "1" if mode == "run" else "0")
    port = os.environ.get("PORT", "8000")
    os.environ["PORT"] = port
    prepare(collect_static=mode == "serve")

    children = [
        subprocess.Popen(web_command(mode, port), cwd=BASE_DIR),
        subprocess.Popen([PYTHON, "manage.py", "db_worker", "--no-startup-delay"], cwd=BASE_DIR),
    ]
    print(
        f"Serving on http://127.0.0.1:{port}/ with a task worker. Ctrl-C stops everything.",
        flush=True,
    )

    stopping = False

    def stop(signum, frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    try:
        while not stopping and all(child.poll() is None for child in children):
            time.sleep(0.3)
    finally:
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        for child in children:
            try:
                child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                child.kill()
        if embedded:
            from campaign import embedded_db

            embedded_db.stop()
            print("Embedded PostgreSQL stopped.", flush=True)
    return 0 if stopping else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "run"))
