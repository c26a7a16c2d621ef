"""Emailing an update to 100,000 opted-in signers through a local fake of Brevo's API.

    python -m bench mailing        (or python -m bench.mailing)

In a database of its own (``bench_mailing`` on BENCH_DATABASE_URL's server, else the embedded
one), it inserts 100,000 confirmed signers who asked for updates, in five languages, with one
INSERT … SELECT, and writes an update in three of them (the other two get English, their
fallback). It serves ``bench.fake_esp.FakeBrevo`` on a loopback port and runs the production
task worker (``manage.py task_worker``, as the launcher does) with anymail's real Brevo backend
pointed at it. Then:

1. A clean run: messages handed over per second (from the first request the ESP received to
   the last), and the worker's peak RSS (VmRSS sampled every 0.1 s).
2. A crash run of a second update: the fake ESP records the 60th batch request and holds its
   answer; the worker is killed with SIGKILL in that gap (the ESP accepted, we never recorded
   it), its claimed task is given back (``requeue_stalled_tasks``) and a new worker started.
   Verified: every recipient got exactly one message of each update; reported: batches sent
   again under their idempotency key, and the duplicate messages the ESP dropped.

Targets (issue 16): >= 500 messages/s, worker RSS <= 200 MB, exactly one message each.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import threading
import time

from bench.common import BASE_DIR, BENCH_SECRET_KEY, PYTHON, database_url, machine_description
from bench.common import rss_mb as process_rss_mb
from bench.fake_esp import FakeBrevo

SIGNERS = 100_000
LOCALES = ["en", "de", "fr", "pl", "pt"]
TEXTS = {"en": "Big news", "de": "Große Neuigkeiten", "fr": "Grande nouvelle"}
HOLD_REQUEST = 60
WORKER_ID = "bench-mailing"
SLUG = "banfacialrecognitioneu"


def setup(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ["SECRET_KEY"] = BENCH_SECRET_KEY
    os.environ.setdefault("VAR_DIR", tempfile.mkdtemp(prefix="bench-mailing-"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def prepare() -> object:
    """The EU campaign with SIGNERS opted-in confirmed signers (made once), no mailings."""
    from django.db import connection

    from campaign.campaigns.models import CampaignUpdate
    from petitions.seeding import seed_launch_campaigns

    campaigns = {c.slug: c for c in seed_launch_campaigns()}
    petition = campaigns[SLUG].petition
    CampaignUpdate.objects.filter(campaign=petition.campaign, slug__startswith="bench-").delete()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM petitions_signature WHERE petition_id = %s AND updates_opt_in",
            [petition.pk],
        )
        have = cursor.fetchone()[0]
        if have < SIGNERS:
            started = time.perf_counter()
            cursor.execute(
                """
                INSERT INTO petitions_signature (public_id, petition_id, name, email, email_key,
                    country, region, postal_code, locale, status, created_at, confirmed_at,
                    counted, updates_opt_in, embed_origin, partner_opt_in, source, ref,
                    ip_hash, held_reason)
                SELECT gen_random_uuid(), %(petition)s, 'Bench Signer ' || n,
                    'bench' || n || '@example.org', 'bench' || n || '@example.org',
                    'DE', '', '', (%(locales)s::text[])[1 + n %% %(languages)s], 'confirmed',
                    now(), now(), false, true, '', false, '', '', '', ''
                FROM generate_series(%(first)s, %(last)s) AS n
                """,
                {
                    "petition": petition.pk,
                    "locales": LOCALES,
                    "languages": len(LOCALES),
                    "first": have + 1,
                    "last": SIGNERS,
                },
            )
            cursor.execute("ANALYZE petitions_signature")
            print(
                f"inserted {SIGNERS - have:,} signers in {time.perf_counter() - started:.1f} s",
                flush=True,
            )
    return petition


def new_update(petition, slug: str):
    from django.utils import timezone

    from campaign.campaigns.models import CampaignUpdate, CampaignUpdateTranslation

    update = CampaignUpdate.objects.create(
        campaign=petition.campaign, slug=slug, published_at=timezone.now()
    )
    for language, title in TEXTS.items():
        CampaignUpdateTranslation.objects.create(
            update=update,
            language=language,
            title=title,
            body="The European Parliament votes next week.\n\nWrite to your MEP: **today**.",
            needs_review=False,
        )
    return update


def confirm(update):
    """The organizer's two steps, without the test message itself (no worker runs it here)."""
    from django.utils import timezone

    from petitions.mailings.requests import confirm as confirm_mailing
    from petitions.models import Mailing

    Mailing.objects.create(update=update, test_sent_at=timezone.now())
    return confirm_mailing(update=update, user=None)


class Worker:
    def __init__(self, env: dict, log):
        self.process = subprocess.Popen(
            [
                PYTHON,
                "manage.py",
                "task_worker",
                "--no-startup-delay",
                "--worker-id",
                WORKER_ID,
                "--interval",
                "0.2",
            ],
            cwd=BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.peak_rss = 0.0
        self.samples: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while not self._stop.is_set():
            rss = process_rss_mb(self.process.pid)
            if rss:
                self.samples.append(rss)
                self.peak_rss = max(self.peak_rss, rss)
            self._stop.wait(0.1)

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()
        self._stop.set()

    def stop(self) -> None:
        self._stop.set()
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()


def wait_done(mailing_id: int, timeout: float = 900) -> object:
    from django.db import close_old_connections

    from petitions.models import Mailing

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        close_old_connections()
        mailing = Mailing.objects.get(pk=mailing_id)
        if mailing.status == "done":
            return mailing
        time.sleep(0.5)
    raise RuntimeError(f"mailing {mailing_id} not done in {timeout}s")


def worker_env(fake: FakeBrevo, workdir: str) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DEBUG": "0",
        "SECRET_KEY": BENCH_SECRET_KEY,
        "SITE_URL": "http://127.0.0.1:8000",
        "VAR_DIR": workdir,
        "EMAIL_ESP": "brevo",
        "ANYMAIL_BREVO_API_KEY": fake.api_key,
        "ANYMAIL_BREVO_API_URL": fake.api_url,
        "LOG_LEVEL": "WARNING",
    }


def clean_run(petition, workdir: str) -> dict:
    fake = FakeBrevo().start()
    times: list[float] = []
    handle = fake.handle

    def timed(payload):
        answer = handle(payload)
        times.append(time.monotonic())
        return answer

    fake.handle = timed
    update = new_update(petition, "bench-clean")
    started = time.monotonic()
    mailing = confirm(update)
    with open(os.path.join(workdir, "worker-clean.log"), "w") as log:
        worker = Worker(worker_env(fake, workdir), log)
        try:
            mailing = wait_done(mailing.pk)
        finally:
            worker.stop()
    total = time.monotonic() - started
    fake.stop()
    messages = sum(fake.per_recipient.values())
    sending = times[-1] - times[0] if len(times) > 1 else float("nan")
    return {
        "recipients": mailing.recipients,
        "sent": mailing.sent,
        "messages": messages,
        "requests": fake.requests,
        "first_to_last_s": sending,
        # the first request's batch is counted from its own end, so leave it out of the rate
        "rate": (messages - messages / max(fake.requests, 1)) / sending,
        "confirm_to_done_s": total,
        "peak_rss_mb": worker.peak_rss,
        "rss_first_mb": worker.samples[0] if worker.samples else 0,
        "one_each": set(fake.per_recipient.values()) == {1},
    }


def crash_run(petition, workdir: str) -> dict:
    import subprocess as sp

    fake = FakeBrevo(hold_request=HOLD_REQUEST).start()
    update = new_update(petition, "bench-crash")
    mailing = confirm(update)
    env = worker_env(fake, workdir)
    with open(os.path.join(workdir, "worker-crash.log"), "w") as log:
        worker = Worker(env, log)
        if not fake.held.wait(timeout=600):
            worker.stop()
            raise RuntimeError("the fake ESP never saw the request to hold")
        held_at = sum(fake.per_recipient.values())
        worker.kill()
        fake.release()
        sp.run(
            [PYTHON, "manage.py", "requeue_stalled_tasks", "--worker-id", WORKER_ID],
            cwd=BASE_DIR,
            env=env,
            check=True,
            stdout=log,
            stderr=sp.STDOUT,
        )
        again = Worker(env, log)
        try:
            mailing = wait_done(mailing.pk)
        finally:
            again.stop()
    fake.stop()
    counts = fake.per_recipient
    return {
        "killed_after_messages": held_at,
        "recipients": mailing.recipients,
        "sent": mailing.sent,
        "unknown": mailing.unknown,
        "distinct_recipients": len(counts),
        "exactly_one_each": len(counts) == mailing.recipients and set(counts.values()) == {1},
        "resent_batches": fake.duplicate_requests,
        "duplicates_dropped": fake.duplicate_messages,
        "peak_rss_mb": max(worker.peak_rss, again.peak_rss),
    }


def main() -> int:
    url = database_url("bench_mailing")
    setup(url)
    workdir = tempfile.mkdtemp(prefix="bench-mailing-")
    print(machine_description(), flush=True)
    petition = prepare()
    clean = clean_run(petition, workdir)
    print(
        f"clean run: {clean['sent']:,} of {clean['recipients']:,} sent in {clean['requests']} "
        f"batch requests; {clean['rate']:,.0f} messages/s handed over (target >= 500; first to "
        f"last request {clean['first_to_last_s']:.1f} s, confirm to done "
        f"{clean['confirm_to_done_s']:.1f} s); worker peak RSS {clean['peak_rss_mb']:.0f} MB "
        f"(at start {clean['rss_first_mb']:.0f} MB; target <= 200); "
        f"one message each: {clean['one_each']}",
        flush=True,
    )
    crash = crash_run(petition, workdir)
    print(
        f"crash run: worker killed (SIGKILL) after the ESP accepted "
        f"{crash['killed_after_messages']:,} messages, before we recorded the last batch; "
        f"after the restart {crash['sent']:,} of {crash['recipients']:,} sent, "
        f"{crash['unknown']} unknown; {crash['distinct_recipients']:,} recipients got "
        f"exactly one message each: {crash['exactly_one_each']}; "
        f"{crash['resent_batches']} batch(es) resent under their idempotency key, "
        f"{crash['duplicates_dropped']} duplicate message(s) dropped by the ESP; "
        f"worker peak RSS {crash['peak_rss_mb']:.0f} MB",
        flush=True,
    )
    ok = (
        clean["rate"] >= 500
        and clean["peak_rss_mb"] <= 200
        and clean["one_each"]
        and crash["exactly_one_each"]
    )
    print("targets met" if ok else "TARGETS MISSED", flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
