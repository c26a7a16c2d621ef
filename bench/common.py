"""What the benchmarks share: databases, a `make serve`-equivalent server, wrk, memory.

Every server listens on 127.0.0.1 only and every load is bounded in time and requests.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from email.message import Message
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
# The benchmarks' own key, so they can make confirmation links as the emails carry them.
BENCH_SECRET_KEY = "bench-only-secret-key-not-for-production-0123456789abcdefghijkl"


def database_url(name: str) -> str:
    """A URL for a benchmark database: BENCH_DATABASE_URL's server, else the embedded one.

    The database is created if missing. BENCH_DATABASE_URL names any database on the server
    to use (e.g. postgres://postgres@127.0.0.1:5432/postgres); the name is replaced, and
    prefixed with BENCH_DATABASE_PREFIX when set, so that two checkouts need not share one.
    """
    from campaign.devtools import embedded_db

    name = os.environ.get("BENCH_DATABASE_PREFIX", "") + name
    if base := os.environ.get("BENCH_DATABASE_URL"):
        parts = urlsplit(base)
        embedded_db.ensure_database(urlunsplit(parts._replace(path="/postgres")), name)
        return urlunsplit(parts._replace(path=f"/{name}"))
    return embedded_db.database_url(name)


def free_port(*, taken: tuple[int, ...] = ()) -> int:
    """A free loopback port: the first free one of BENCH_PORTS (e.g. "8621-8629") when set,
    so that benchmarks on a shared machine stay within their given ports; else any. Ports in
    ``taken`` (given to a server not listening yet) are skipped."""
    first, _, last = os.environ.get("BENCH_PORTS", "").partition("-")
    candidates = range(int(first), int(last or first) + 1) if first else [0]
    for port in candidates:
        if port in taken:
            continue
        with socket.socket() as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as gunicorn binds
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return s.getsockname()[1]
    raise RuntimeError(f"no free port in BENCH_PORTS={os.environ['BENCH_PORTS']}")


def machine_description() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{os.cpu_count()} cores ({cpu}), {mem:.0f} GiB RAM, {platform.system()} "
        f"{platform.release()}, Python {platform.python_version()}"
    )


def children_of(pid: int) -> list[int]:
    try:
        out = subprocess.run(
            ["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True
        ).stdout
    except OSError:
        return []
    return [int(p) for p in out.split()]


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


class Server:
    """`python -m campaign.devtools.launcher serve` (what `make serve` runs) on a loopback port."""

    def __init__(
        self,
        *,
        database: str | None,
        env: dict[str, str] | None = None,
        port: int | None = None,
        workdir: Path | None = None,
    ):
        self.port = port or free_port()
        self.workdir = workdir or Path(tempfile.mkdtemp(prefix="bench-"))
        self.mail_dir = self.workdir / "mail"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "PORT": str(self.port),
            "HOST": "127.0.0.1",
            "DEBUG": "0",
            "SECRET_KEY": BENCH_SECRET_KEY,
            "SITE_URL": f"http://127.0.0.1:{self.port}",
            "VAR_DIR": str(self.workdir),
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(self.mail_dir),
            # Mail to files with DEBUG=0 is refused unless opted in (campaign/conf/checks.py).
            "ALLOW_CONSOLE_MAIL": "1",
            "LOG_LEVEL": "WARNING",
            # The widget-frame scenario frames the demo partner's widget.
            "SEED_DEMO_PARTNER": "1",
            # The load comes from one address and one mail domain, but stands for many people:
            # no abuse hold should trip.
            "RATE_LIMIT_IP": "100000000/60",
            "RATE_LIMIT_DOMAIN": "100000000/60",
            **(env or {}),
        }
        # No database URL: the launcher starts (and at the end stops) the embedded server.
        if database:
            self.env["DATABASE_URL"] = database
        else:
            self.env.pop("DATABASE_URL", None)
        self.process: subprocess.Popen | None = None
        self.log_path = self.workdir / f"server-{self.port}.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 120) -> Server:
        self.log = open(self.log_path, "w")  # noqa: SIM115
        self.process = subprocess.Popen(
            [PYTHON, "-m", "campaign.devtools.launcher", "serve"],
            cwd=BASE_DIR,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited; see {self.log_path}")
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=2) as response:
                    if response.status == 200 and len(self.web_workers()) > 0:
                        return self
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.3)
        raise RuntimeError(f"server did not start in {timeout}s; see {self.log_path}")

    def gunicorn_master(self) -> int | None:
        for pid in children_of(self.process.pid):
            if "gunicorn" in command_line(pid):
                return pid
        return None

    def task_worker(self) -> int | None:
        for pid in children_of(self.process.pid):
            line = command_line(pid)
            if "task_worker" in line or "db_worker" in line or "rqworker" in line:
                return pid
        return None

    def web_workers(self) -> list[int]:
        master = self.gunicorn_master()
        return children_of(master) if master else []

    def worker_rss(self) -> list[float]:
        return [round(rss_mb(pid), 1) for pid in self.web_workers()]

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
        if getattr(self, "log", None):
            self.log.close()

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def get(url: str, timeout: float = 10) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def get_raw(
    url: str, *, headers: dict[str, str] | None = None, timeout: float = 10
) -> tuple[int, Message, bytes]:
    """Status, headers (names in any case) and body bytes as sent: urllib decodes no
    Content-Encoding."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


def require_wrk() -> None:
    """wrk is the load generator (Debian package `wrk`); install it when missing and allowed."""
    if wrk_available():
        return
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("Installing wrk (apt-get install wrk) ...", flush=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=False)
        if not wrk_available():
            subprocess.run(["apt-get", "update", "-qq"], check=False)
            subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=False)
    if not wrk_available():
        raise SystemExit("The benchmarks need wrk: apt-get install wrk (or brew install wrk).")


WRK_DONE = """
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '\\nWRK_JSON {"requests": %d, "duration_us": %d, "status_errors": %d, "socket_errors": %d, '
    .. '"timeouts": %d, "p50_ms": %.2f, "p99_ms": %.2f, "max_ms": %.2f}\\n',
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write, e.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
"""


TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
CPU_ROLES = ("web", "postgres", "worker")


def process_role(pid: str) -> str:
    """Which part of the service a process is: web (gunicorn), worker, postgres or other."""
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        name = Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return "other"
    if name == "postgres" or "postgres" in command.split(" ", 1)[0]:
        return "postgres"
    if "gunicorn" in command:
        return "web"
    if "task_worker" in command or "db_worker" in command or "rqworker" in command:
        return "worker"
    return "other"


def cpu_ticks() -> dict[tuple[str, str], int]:
    """CPU time used so far (user + system, clock ticks) by every process, keyed by (pid, role)."""
    ticks = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(") ", 1)[1].split()
        except (OSError, IndexError):
            continue
        ticks[(pid, process_role(pid))] = int(fields[11]) + int(fields[12])
    return ticks


def cpu_ms_per_answer(before: dict, after: dict, answers: int) -> dict[str, float]:
    """Milliseconds of CPU each role spent per accepted answer between two ``cpu_ticks``."""
    used = dict.fromkeys(CPU_ROLES, 0)
    for key, value in after.items():
        if key[1] in used:
            used[key[1]] += value - before.get(key, 0)
    return {
        role: round(1000 * ticks / TICKS_PER_SECOND / max(answers, 1), 3)
        for role, ticks in used.items()
    }


def run_wrk(
    url: str,
    *,
    script: str = "",
    script_args: list[str] | None = None,
    concurrency: int,
    seconds: int,
    threads: int = 2,
) -> dict:
    """One bounded wrk run; returns requests/s of accepted answers, latency percentiles and the
    CPU milliseconds that web, PostgreSQL and the task worker spent per accepted answer."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script + WRK_DONE)
        path = handle.name
    command = [
        "wrk",
        f"-t{min(threads, concurrency)}",
        f"-c{concurrency}",
        f"-d{seconds}s",
        "--timeout",
        "5s",
        "-s",
        path,
        url,
    ]
    if script_args:
        command += ["--", *script_args]
    before = cpu_ticks()
    out = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60).stdout
    after = cpu_ticks()
    os.unlink(path)
    line = next((x for x in out.splitlines() if x.startswith("WRK_JSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk gave no summary:\n{out}")
    result = json.loads(line.removeprefix("WRK_JSON "))
    seconds_run = result["duration_us"] / 1e6
    ok = result["requests"] - result["status_errors"]
    result["rps"] = round(ok / seconds_run, 1)
    result["ok"] = ok
    result["concurrency"] = concurrency
    result["cpu_ms"] = cpu_ms_per_answer(before, after, ok)
    return result


def setup_django(url: str) -> None:
    """Configure Django in the benchmark process (to make confirmation links), once."""
    from django.conf import settings

    if settings.configured:
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    os.environ["DATABASE_URL"] = url
    os.environ["SECRET_KEY"] = BENCH_SECRET_KEY
    import django

    django.setup()


def confirm_link(public_id, *, slug: str, lang: str) -> str:
    """The path of a confirmation link, as the email to this signature carries it."""
    import uuid

    from django.core import signing

    from petitions.tokens import CONFIRM_SALT

    signer = signing.TimestampSigner(key=BENCH_SECRET_KEY, salt=CONFIRM_SALT, fallback_keys=[])
    token = signer.sign(uuid.UUID(str(public_id)).hex)
    return f"/{lang}/{slug}/confirm/{token}/"


def mail_recipients(mail_dir: Path) -> dict[str, int]:
    """How many messages each address got, from the file-based email backend's files."""
    import email

    counts: dict[str, int] = {}
    if not mail_dir.exists():
        return counts
    separator = "-" * 79
    for path in mail_dir.iterdir():
        for chunk in path.read_text(errors="replace").split(separator):
            if not chunk.strip():
                continue
            message = email.message_from_string(chunk.lstrip("\n"))
            to = message.get("To")
            if to:
                counts[to.strip()] = counts.get(to.strip(), 0) + 1
    return counts
