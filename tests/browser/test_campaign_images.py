"""Hero images in a real browser: an owner uploads a photo in the workspace, the public page
shows it as a <picture>, Chromium takes the AVIF source at a phone's width, the page without
JavaScript still shows the JPEG fallback's box, and axe finds nothing on either page."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from campaign.campaigns.models import Campaign, CampaignMembership, ImageVariant, Role
from petitions.models import AuditEvent
from tests.browser.test_accessibility import axe_violations
from tests.browser.test_workspace import sign_in
from tests.campaign.organize.conftest import make_user
from tests.pictures import encoded, photo

EU = "banfacialrecognitioneu"
SHOTS = Path(os.environ.get("SHOTS_DIR", "/tmp/shots-images"))


@pytest.fixture(autouse=True)
def _totp_tolerance(settings):
    settings.MFA_TOTP_TOLERANCE = 1


@pytest.fixture
def owner(campaigns):
    user = make_user("owner@example.org")
    CampaignMembership.objects.create(user=user, campaign=campaigns[EU], role=Role.OWNER)
    return user


def test_owner_uploads_a_hero_that_the_public_page_shows_as_avif(
    page_factory, site, owner, tmp_path, settings
):
    settings.PAGE_CACHE_SECONDS = 0
    SHOTS.mkdir(parents=True, exist_ok=True)
    photo_path = tmp_path / "street.jpg"
    photo_path.write_bytes(encoded(photo(3000, 2000), quality=90))

    page = page_factory()
    sign_in(page, site, owner)
    page.goto(f"{site}/organize/{EU}/hero/")
    page.set_input_files("input[name=image]", str(photo_path))
    page.fill("input[name=alt]", "A street with cameras on poles")
    page.click("form.workspace-form button[type=submit]")
    page.wait_for_url(f"**/organize/{EU}/hero/")
    assert page.locator("picture.hero img").get_attribute("alt") == (
        "A street with cameras on poles"
    )
    assert axe_violations(page) == []
    page.screenshot(path=str(SHOTS / "organize-hero.png"), full_page=True)
    assert AuditEvent.objects.filter(action="hero_image", user_email=owner.email).count() == 1

    phone = page_factory(width=390, height=844)
    phone.goto(f"{site}/en/{EU}/")
    img = phone.locator("picture.hero img")
    img.wait_for()
    phone.wait_for_function("document.querySelector('picture.hero img').complete")
    current = img.evaluate("element => element.currentSrc")
    assert current.endswith(".avif"), current
    hero_id = Campaign.objects.get(slug=EU).hero_image_id
    avif_480 = ImageVariant.objects.get(image_id=hero_id, format="avif", width=480)
    assert current == f"{site}/img/{avif_480.digest}.avif"  # 358 CSS px at 1×
    assert img.get_attribute("fetchpriority") == "high"
    assert img.get_attribute("loading") is None
    box = img.bounding_box()
    assert box["width"] == pytest.approx(358, abs=1)  # the column, 390 − 2 × 16
    assert box["height"] == pytest.approx(358 * 1688 / 3000, abs=2)
    assert axe_violations(phone) == []
    phone.screenshot(path=str(SHOTS / "public-390.png"), full_page=False)

    desktop = page_factory(width=1280, height=900)
    desktop.goto(f"{site}/en/{EU}/")
    desktop.wait_for_function("document.querySelector('picture.hero img').complete")
    assert (
        desktop.locator("picture.hero img")
        .evaluate("element => element.currentSrc")
        .endswith(".avif")
    )
    desktop.screenshot(path=str(SHOTS / "public-1280.png"), full_page=False)

    no_js = page_factory(javascript=False, width=320, height=700)
    no_js.goto(f"{site}/en/{EU}/")
    assert no_js.locator("picture.hero img").bounding_box()["width"] == pytest.approx(288, abs=1)
    no_js.screenshot(path=str(SHOTS / "public-320-nojs.png"), full_page=False)
