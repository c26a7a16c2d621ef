"""Shared fixtures: real PostgreSQL seeded once per session, a task runner, test settings,
and the unit / database / browser markers.

The test database holds both launch campaigns from the start of the session (seeded once in
``django_db_setup``). A database test runs inside a transaction that is rolled back, so each
one starts from that seeded state. Tests on real transactions (``transactional_db``, live
servers) end with a flush that empties every table: the seed is laid down again right after
each of them (``pytest_runtest_teardown``), so the next test finds it too.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core import mail
from django.core.cache import caches
from django.db import connections
from django.utils import translation
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from campaign.campaigns.models import Campaign
from campaign.devtools.catalogs import compile_catalogs
from petitions import consents
from petitions.abuse import ip_hashing
from petitions.models import Petition
from petitions.seeding import seed_demo_partner, seed_launch_campaigns
from tests import factories

compile_catalogs()

BROWSER_TESTS = Path(__file__).resolve().parent / "browser"
_DB_BLOCKER = pytest.StashKey[object]()


def uses_transactions(item: pytest.Item) -> bool:
    """Whether the test runs on real transactions (and so ends with a flush), as pytest-django
    decides it."""
    marker = item.get_closest_marker("django_db")
    if marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")):
        return True
    names = getattr(item, "fixturenames", ())
    return "transactional_db" in names or "live_server" in names


def uses_database(item: pytest.Item) -> bool:
    names = getattr(item, "fixturenames", ())
    return (
        item.get_closest_marker("django_db") is not None or "db" in names or uses_transactions(item)
    )


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark each test ``browser`` (tests/browser/), else ``database``, else ``unit``."""
    for item in items:
        if item.path.is_relative_to(BROWSER_TESTS):
            item.add_marker(pytest.mark.browser)
        elif uses_database(item):
            item.add_marker(pytest.mark.database)
        else:
            item.add_marker(pytest.mark.unit)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, request):
    """pytest-django's test database, with both launch campaigns seeded once for the session."""
    request.config.stash[_DB_BLOCKER] = django_db_blocker
    with django_db_blocker.unblock():
        seed_launch_campaigns()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None):
    """After a test on real transactions has been flushed, seed the launch campaigns again."""
    result = yield
    blocker = item.config.stash.get(_DB_BLOCKER, None)
    # After the last test the session's database is already gone: nothing to seed.
    if blocker is not None and nextitem is not None and uses_transactions(item):
        with blocker.unblock():
            seed_launch_campaigns()
            # As Django does after such a test: no connection stays open (one opened while
            # Playwright's event loop is current would outlive the session's database).
            connections.close_all()
    return result


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path_factory):
    # Each test starts in the site's default language: a request or override that left another
    # one active in this thread must not decide what a later test renders.
    translation.activate(settings.LANGUAGE_CODE)
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
    """The launch campaigns, as seeded for the session, by slug."""
    return {c.slug: c for c in Campaign.objects.order_by("slug")}


@pytest.fixture
def demo_campaigns(campaigns):
    """The launch campaigns with their demo partners (widget keys ``demo-<slug>``)."""
    for campaign in campaigns.values():
        seed_demo_partner(campaign, campaign.petition)
    return campaigns


@pytest.fixture
def unseeded_db(db):
    """An empty database for tests of seeding itself: the session's seed is deleted inside
    this test's transaction (and so comes back after it)."""
    Campaign.objects.all().delete()


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
def admin_user(db):
    """pytest-django's admin, with the TOTP authenticator the admin requires (MFA middleware)."""
    return factories.superuser(username="admin", email="admin@example.org", password="password")
