"""The organizer workspace in a real browser: an owner creates, writes, sets up, previews and
publishes a third campaign without the admin, and it then takes signatures; a half-made
campaign stays out of sight; the owner controls reach the public page; axe finds nothing on
the new pages. Screenshots of each page at 375 px and 1280 px go to the test's tmp folder."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.cache import cache

from campaign.campaigns.models import Campaign, CampaignMembership, Role
from petitions.models import HeldReason, Signature
from petitions.reporting.counting import petition_counts
from tests.browser.test_accessibility import axe_violations
from tests.campaign.organize.conftest import PASSWORD, add_signature, make_user, totp_code
from tests.conftest import confirm_link

EU = "banfacialrecognitioneu"
NEW = "cleanairnow"


@pytest.fixture(autouse=True)
def _totp_tolerance(settings):
    settings.MFA_TOTP_TOLERANCE = 1


@pytest.fixture
def owner(campaigns):
    user = make_user("owner@example.org")
    CampaignMembership.objects.create(user=user, campaign=campaigns[EU], role=Role.OWNER)
    return user


def sign_in(page, site, user) -> None:
    cache.clear()  # a TOTP code is accepted once per period and user
    page.goto(f"{site}/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/accounts/2fa/authenticate/")
    page.fill("input[name=code]", totp_code())
    page.click("main button[type=submit]")
    page.wait_for_url("**/organize/")


def check_axe(page, found: dict, name: str) -> None:
    if violations := axe_violations(page):
        found[name] = violations


def shoot(page, tmp_path, name: str) -> None:
    for width in (375, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(tmp_path / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_owner_creates_previews_and_publishes_a_third_campaign(page_factory, site, owner, tmp_path):
    page = page_factory()
    found: dict[str, list[str]] = {}
    sign_in(page, site, owner)
    page.click("text=New campaign")
    page.wait_for_url("**/organize/new/")
    check_axe(page, found, "new campaign")
    shoot(page, tmp_path, "new")
    page.fill("#id_hashtag", "#CleanAirNow")
    page.fill("#id_slug", NEW)
    page.select_option("#id_primary_language", "en")
    page.select_option("#id_region_kind", "country")
    page.click("main button[type=submit]")
    page.wait_for_url(f"**/organize/{NEW}/content/")
    check_axe(page, found, "content")
    shoot(page, tmp_path, "content")

    # Half-made: no page, not listed.
    public = page_factory()
    assert public.goto(f"{site}/en/{NEW}/").status == 404
    public.goto(f"{site}/en/")
    assert f"/en/{NEW}/" not in public.content()

    page.fill("#id_title", "Clean air for every school")
    page.fill("#id_lead", "Children breathe the dirtiest air in town.")
    page.fill("#id_ask", "Close the streets around schools to through traffic.")
    page.fill("#id_addressee", "The city council")
    page.fill("#id_why", "Air pollution harms lungs.\n\nChildren suffer most.")
    page.fill("#id_petition_text", "We ask the city council:\n\nclose the school streets.")
    page.fill("#id_share_text", "I signed for clean air at schools.")
    page.click("main button[type=submit]")
    page.wait_for_url(f"**/organize/{NEW}/petition/")
    check_axe(page, found, "petition")
    shoot(page, tmp_path, "petition")
    page.fill("#id_goal", "5000")
    page.fill("#id_closes_on", "2031-06-30")
    page.click("main button[type=submit]")
    page.wait_for_url(f"**/organize/{NEW}/setup/")
    check_axe(page, found, "setup")
    shoot(page, tmp_path, "setup")
    assert f"/organize/{NEW}/translations/" in page.content()

    page.click("ol.steps >> text=Preview")
    page.wait_for_url(f"**/organize/{NEW}/preview/")
    assert "Clean air for every school" in page.inner_text("h1")
    assert page.is_visible(".preview-banner")
    check_axe(page, found, "preview")
    shoot(page, tmp_path, "preview")
    assert public.goto(f"{site}/en/{NEW}/").status == 404

    page.goto(f"{site}/organize/{NEW}/setup/")
    page.check("#confirm-publish")
    page.click("text=Publish the campaign >> xpath=ancestor-or-self::button")
    page.wait_for_url(f"**/organize/{NEW}/setup/")
    check_axe(page, found, "setup, published")
    assert found == {}, found
    assert Campaign.objects.get(slug=NEW).published_at is not None

    # A new visitor (the first one's browser may keep the list it was served a while ago).
    public = page_factory()
    public.goto(f"{site}/en/")
    assert f"/en/{NEW}/" in public.content()
    public.goto(f"{site}/en/{NEW}/")
    public.fill("#id_name", "Ana Lima")
    public.fill("#id_email", "ana.lima@example.org")
    public.select_option("#id_country", "PT")
    public.check("#id_privacy_consent")
    public.click("button[type=submit]")
    public.wait_for_url(f"**/en/{NEW}/check-email/")
    public.goto(confirm_link(mail.outbox[-1]))
    public.click("button[type=submit]")
    public.wait_for_url(f"**/en/{NEW}/thanks/")
    petition = Signature.objects.get(email="ana.lima@example.org").petition
    assert petition_counts(petition_id=petition.pk).total == 1


def test_owner_controls_reach_the_public_page(page_factory, site, owner, campaigns, tmp_path):
    petition = campaigns[EU].petition
    held = add_signature(
        petition,
        name="Held Person",
        email="held@example.org",
        country="DE",
        held_reason=HeldReason.RATE_IP,
    )
    before = petition_counts(petition_id=petition.pk).total
    page = page_factory()
    found: dict[str, list[str]] = {}
    sign_in(page, site, owner)
    page.goto(f"{site}/organize/{EU}/controls/")
    check_axe(page, found, "controls")
    shoot(page, tmp_path, "controls")
    assert "Held Person" in page.inner_text("#held")

    page.check("#confirm-signing")
    page.click("text=Pause signing >> xpath=ancestor-or-self::button")
    page.wait_for_url(f"**/organize/{EU}/controls/")
    public = page_factory()
    public.goto(f"{site}/en/{EU}/")
    assert public.is_visible("#signing-paused")

    page.check("#confirm-signing")
    page.click("text=Resume signing >> xpath=ancestor-or-self::button")
    page.wait_for_url(f"**/organize/{EU}/controls/")
    # A new visitor: browsers may keep a public page up to PUBLIC_CACHE_SECONDS.
    public = page_factory()
    public.goto(f"{site}/en/{EU}/")
    assert public.locator("#signing-paused").count() == 0
    assert public.is_visible("#id_name")

    page.check(f"#held-{held.pk}")
    page.check("#confirm-release")
    page.click("text=Release the selected >> xpath=ancestor-or-self::button")
    page.wait_for_url(f"**/organize/{EU}/controls/")
    check_axe(page, found, "controls after release")
    assert found == {}, found
    held.refresh_from_db()
    assert held.held_reason == HeldReason.NONE
    assert petition_counts(petition_id=petition.pk).total == before + 1
