"""Benchmark settings: the product's settings plus the bare-insert reference view.

BENCH_DISABLE (benchmark only, never read by the product) names performance pieces to turn
off, comma-separated, so that `python -m bench machinery` can measure each one against the
same code without it. This is the one place it is read.
"""

import os

from campaign.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"

# Each piece, and what turning it off means.
PIECES = {
    "campaign_cache": "the sign path loads the campaign on every POST",
    "page_cache": "public pages are rendered on every GET",
    # Not a setting: bench/surge.py starts the launcher with WORKER_NICE=0 for it.
    "worker_nice": "the task worker runs at normal priority in the launcher's session",
}

BENCH_DISABLED = frozenset(filter(None, os.environ.get("BENCH_DISABLE", "").split(",")))
if unknown := BENCH_DISABLED - set(PIECES):
    raise ValueError(f"BENCH_DISABLE names unknown pieces: {sorted(unknown)}")
if "campaign_cache" in BENCH_DISABLED:
    CAMPAIGN_CACHE_SECONDS = 0
if "page_cache" in BENCH_DISABLED:
    PAGE_CACHE_SECONDS = 0
