"""Benchmark settings: the product's settings plus the bare-insert reference view."""

from campaign.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
