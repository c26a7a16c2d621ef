"""The translation workspace in Chromium: paragraphs typed with the browser's line endings
survive Save and reopening, a changed primary text flags the field it changed, and axe finds
no WCAG 2.2 AA violation on the workspace pages."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from campaign.campaigns.models import CampaignMembership, CampaignTranslation
from campaign.core.markup import split_paragraphs
from tests.browser.test_accessibility import axe_violations
from tests.campaign.organize.conftest import make_user

EU = "banfacialrecognitioneu"
WHY = "\n\n".join(
    f"Akapit {n}. Rozpoznawanie twarzy w przestrzeni publicznej." for n in range(1, 19)
)


@pytest.fixture
def owner(campaigns):
    user = make_user("owner@example.org")
    CampaignMembership.objects.create(user=user, campaign=campaigns[EU], role="owner")
    return user


def signed_in_page(page_factory, site, user, **kwargs):
    """A page whose browser holds a session of ``user`` (TOTP active, as the area requires)."""
    client = Client()
    client.force_login(user)
    page = page_factory(**kwargs)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": site}])
    return page


def screenshot(page, name: str) -> None:
    """With SCREENSHOT_DIR set, keep a picture of the page for a person to look at."""
    if folder := os.environ.get("SCREENSHOT_DIR"):
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def test_crlf_paragraphs_survive_save_and_reopen(page_factory, site, owner):
    page = signed_in_page(page_factory, site, owner)
    page.goto(f"{site}/organize/{EU}/translations/pl/")
    page.fill("#id_why", WHY)
    page.click("text=Save translation")
    page.wait_for_url(f"{site}/organize/{EU}/translations/pl/")
    assert "needs review again" in page.inner_text(".messages")

    stored = CampaignTranslation.objects.get(campaign__slug=EU, language="pl")
    assert "\r" not in stored.why
    assert len(stored.why_paragraphs) == 18
    page.reload()
    assert len(split_paragraphs(page.input_value("#id_why"))) == 18
    # Saving again without a change keeps all of them.
    page.click("text=Save translation")
    page.wait_for_url(f"{site}/organize/{EU}/translations/pl/")
    assert len(split_paragraphs(page.input_value("#id_why"))) == 18
    page.goto(f"{site}/pl/{EU}/")
    assert page.locator("section[aria-labelledby=why-heading] p").count() == 18


def test_source_changed_flag_appears_per_field_and_axe_finds_nothing(page_factory, site, owner):
    english = CampaignTranslation.objects.get(campaign__slug=EU, language="en")
    page = signed_in_page(page_factory, site, owner)
    page.goto(f"{site}/organize/{EU}/translations/de/")
    assert page.locator(".flag").count() == 0

    english.ask = english.ask + " Now."
    english.save()
    page.reload()
    flags = page.locator(".flag")
    assert flags.count() == 1
    assert page.locator("#id_ask").get_attribute("aria-describedby").split() == [
        "source-ask",
        "flag-ask",
        "formatting-help",
    ]
    assert flags.first.inner_text() == "The source changed since this was translated."
    screenshot(page, "translation-desktop")
    if violations := axe_violations(page):
        pytest.fail("editor: " + "; ".join(violations))

    page.goto(f"{site}/organize/{EU}/translations/")
    assert "outdated (1)" in page.inner_text("table")
    screenshot(page, "translations-desktop")
    if violations := axe_violations(page):
        pytest.fail("list: " + "; ".join(violations))


def test_workspace_pages_at_phone_width(page_factory, site, owner):
    page = signed_in_page(page_factory, site, owner, width=320, height=700)
    for path, name in [("translations/", "translations"), ("translations/fr/", "translation")]:
        page.goto(f"{site}/organize/{EU}/{path}")
        # Nothing wider than the screen: no sideways scrolling at 320 px.
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
        screenshot(page, f"{name}-phone")
        if violations := axe_violations(page):
            pytest.fail(f"{path} at 320 px: " + "; ".join(violations))
