"""Shared fixtures: real PostgreSQL, seeded campaigns, a task runner, and test settings."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.cache import caches
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from campaign.devtools.catalogs import compile_catalogs
from petitions import consents
from petitions.abuse import ip_hashing
from petitions.models import Petition
from petitions.seeding import seed_launch_campaigns

compile_catalogs()


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path_factory):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pages"},
    }
    caches["pages"].clear()
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.SITE_URL = "http://testserver"
    # Tests change campaigns and counts between requests: no short-lived server caches.
    settings.PAGE_CACHE_SECONDS = 0
    settings.CAMPAIGN_CACHE_SECONDS = 0
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # The hourly purge deletes old mail files: never the developer's own var/mail.
    settings.EMAIL_FILE_PATH = tmp_path_factory.getbasetemp() / "mail"
    # Each test rolls its consent texts back, so the per-process id cache must forget them.
    consents._text_ids.clear()
    # Likewise the day's IP hash key, whose row each test rolls back.
    ip_hashing.forget_cached_key()


@pytest.fixture
def campaigns(db):
    return {c.slug: c for c in seed_launch_campaigns()}


@pytest.fixture
def demo_campaigns(db):
    """The launch campaigns with their demo partners (widget keys ``demo-<slug>``)."""
    return {c.slug: c for c in seed_launch_campaigns(demo_partner=True)}


@pytest.fixture
def br_petition(campaigns) -> Petition:
    return campaigns["tiremeurostodasuamira"].petition


@pytest.fixture
def eu_petition(campaigns) -> Petition:
    return campaigns["banfacialrecognitioneu"].petition


def run_queued_tasks(limit: int = 100) -> int:
    """Run every task that is ready, as the db_worker would, inside the test's transaction."""
    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test",
        excluded_queue_names=[],
    )
    ran = 0
    for _ in range(limit):
        result = DBTaskResult.objects.ready().get_locked()
        if result is None:
            break
        result.claim("test")
        worker.run_task(result)
        ran += 1
    return ran


@pytest.fixture
def run_tasks():
    return run_queued_tasks


CONFIRM_LINK = re.compile(r"https?://[^\s\"<]+/confirm/[^\s\"<]+/")


def confirm_link(message: mail.EmailMessage) -> str:
    match = CONFIRM_LINK.search(message.body)
    assert match, message.body
    return match.group(0)


@pytest.fixture
def admin_user(db, django_user_model):
    """pytest-django's admin, with the TOTP authenticator the admin requires (MFA middleware)."""
    from allauth.mfa.totp.internal.auth import TOTP

    user = django_user_model.objects.create_superuser("admin", "admin@example.org", "password")
    TOTP.activate(user, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    return user
