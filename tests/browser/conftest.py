"""Playwright on the system Chromium against pytest-django's live server.

Browser tests skip when Chromium is absent, except on CI (CI=true), where they must run.
The live server runs in a thread of this process, so django.core.mail.outbox is shared and
the Immediate task backend sends each confirmation email before the answer to the signature.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from campaign.campaigns.models import CampaignTranslation

# Playwright's sync API keeps an event loop in this thread; the ORM calls in the tests are still
# plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Every browser test runs as a privacy-minded browser would: third-party cookies blocked.
    "--test-third-party-cookie-phaseout",
]


def chromium_path() -> str | None:
    return (
        os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    )


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium is required on CI for the browser tests")
        pytest.skip("Chromium is not installed (apt-get install chromium); CI runs these tests")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=path, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def site(live_server, settings, campaigns):
    """The live server's base URL, with settings for a real end-to-end flow."""
    settings.SITE_URL = live_server.url
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    return live_server.url


def new_page(browser, *, javascript: bool = True, width: int = 1280, height: int = 900):
    # bypass_csp lets the tests inject axe-core as a script even under a strict CSP.
    context = browser.new_context(
        java_script_enabled=javascript,
        viewport={"width": width, "height": height},
        bypass_csp=True,
        locale="en-GB",
    )
    return context.new_page()


@pytest.fixture
def page_factory(browser):
    contexts = []

    def make(**kwargs):
        page = new_page(browser, **kwargs)
        contexts.append(page.context)
        return page

    yield make
    for context in contexts:
        context.close()


def ensure_language(campaign, language: str) -> None:
    """Give the campaign content in ``language`` if the branch has none yet (a copy of the
    primary text): the flow tests are about the interface, the email and the counting, which
    come from the catalogs; the real translated content replaces this copy when it exists."""
    if campaign.translations.filter(language=language).exists():
        return
    source = campaign.translations.get(language=campaign.primary_language)
    source.pk = None
    source.language = language
    source.save()
    CampaignTranslation.objects.filter(campaign=campaign, language=language).update(
        needs_review=True
    )
