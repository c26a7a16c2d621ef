"""Export benchmarks with 1,000,000 confirmed signatures, in a database of their own.

    python -m bench.exports        (or `make bench`)

The database is BENCH_EXPORTS_DATABASE_URL, else DATABASE_URL with the name ``bench_exports``,
else ``bench_exports`` on the embedded server; it is created, migrated and seeded on first use
(seeding 1,000,000 signatures takes about a minute) and reused afterwards. Targets (issue 4):
the signer-list CSV streams at >= 100,000 rows/s with <= 100 MB peak memory growth; the
by-country summary answers within 200 ms; a delivery package of 100,000 signers builds within 60 s.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import threading
import time
import tracemalloc
from urllib.parse import urlsplit, urlunsplit

EU_SIGNERS = 1_000_000
BR_SIGNERS = 100_000
DB_NAME = "bench_exports"


def bench_database_url() -> str:
    """The benchmark database's URL; creates the database when it is missing."""
    from campaign.devtools import embedded_db

    if url := os.environ.get("BENCH_EXPORTS_DATABASE_URL"):
        return url
    base = os.environ.get("DATABASE_URL") or embedded_db.database_url()
    parts = urlsplit(base)
    embedded_db.ensure_database(urlunsplit(parts._replace(path="/postgres")), DB_NAME)
    return urlunsplit(parts._replace(path=f"/{DB_NAME}"))


def rss_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


class PeakRSS:
    """Samples the process's resident memory every 20 ms while in use."""

    def __enter__(self):
        self.start = self.peak = rss_bytes()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self):
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, rss_bytes())

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss_bytes())

    @property
    def growth_mb(self) -> float:
        return (self.peak - self.start) / 2**20


def setup() -> None:
    os.environ["DATABASE_URL"] = bench_database_url()
    os.environ.setdefault("VAR_DIR", tempfile.mkdtemp(prefix="bench-exports-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "campaign.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def ensure_signatures(petition, wanted: int) -> None:
    from django.db import connection

    from petitions.reporting.counting import petition_counts
    from petitions.signing.demo import seed_signatures

    have = petition_counts(petition_id=petition.pk).total
    if have >= wanted:
        return
    started = time.perf_counter()
    seed_signatures(petition=petition, count=wanted - have, seed=len(petition.slug))
    seconds = time.perf_counter() - started
    print(f"seeded {wanted - have:,} signatures into {petition.slug} in {seconds:.1f} s")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE petitions_signature")


def main() -> None:
    setup()
    from django.utils import translation

    from petitions.reporting.counting import petition_counts
    from petitions.reporting.delivery import build_package
    from petitions.reporting.exports import stream_export, write_export
    from petitions.reporting.package_requests import request_delivery_package
    from petitions.seeding import seed_launch_campaigns

    translation.activate("en")
    campaigns = {c.slug: c for c in seed_launch_campaigns()}
    eu = campaigns["banfacialrecognitioneu"].petition
    br = campaigns["tiremeurostodasuamira"].petition
    ensure_signatures(eu, EU_SIGNERS)
    ensure_signatures(br, BR_SIGNERS)
    total = petition_counts(petition_id=eu.pk).total
    print(
        f"database {os.environ['DATABASE_URL'].rsplit('/', 1)[-1]}: {total:,} confirmed in {eu.slug}"
    )

    # 1. Signer-list CSV, streamed as a StreamingHttpResponse would send it.
    with PeakRSS() as memory:
        started = time.perf_counter()
        size = 0
        for chunk in stream_export(petition=eu, identifier="signers", fmt="csv"):
            size += len(chunk)
        seconds = time.perf_counter() - started
    print(
        f"signers csv: {total:,} rows, {size / 2**20:.0f} MiB in {seconds:.2f} s = "
        f"{total / seconds:,.0f} rows/s (target >= 100,000); "
        f"peak RSS growth {memory.growth_mb:.1f} MB (target <= 100)"
    )
    tracemalloc.start()
    for _chunk in stream_export(petition=eu, identifier="signers", fmt="csv"):
        pass
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"signers csv: tracemalloc peak {peak / 2**20:.1f} MB of Python allocations")

    # 2. The by-country summary (counts and quorum columns), as the dashboard would fetch it.
    import io

    timings = []
    for _ in range(11):
        started = time.perf_counter()
        write_export(petition=eu, identifier="summary_country", fmt="csv", stream=io.BytesIO())
        timings.append(time.perf_counter() - started)
    print(
        f"summary_country csv: median {statistics.median(timings[1:]) * 1000:.1f} ms, "
        f"max {max(timings[1:]) * 1000:.1f} ms over 10 runs (target <= 200 ms)"
    )

    # 3. A delivery package of 100,000 signers (27 states), built as the task would.
    package = request_delivery_package(petition=br, requested_by=None)
    with PeakRSS() as memory:
        started = time.perf_counter()
        package = build_package(package_id=package.pk)
        seconds = time.perf_counter() - started
    size = os.path.getsize(os.path.join(os.environ["VAR_DIR"], "deliveries", package.file_path))
    print(
        f"delivery package: {package.signatures:,} signers, {size / 2**20:.1f} MiB ZIP "
        f"in {seconds:.1f} s (target <= 60 s); peak RSS growth {memory.growth_mb:.0f} MB"
    )


if __name__ == "__main__":
    sys.exit(main())
