"""The sign form of a campaign whose signers choose a German region, on a 320 px phone: it
works with the keyboard-free flow a person uses, and axe finds no WCAG 2.2 AA violation."""

from __future__ import annotations

from petitions.models import Signature
from tests.browser.conftest import ensure_language
from tests.browser.test_accessibility import axe_violations
from tests.region_campaigns import DE_REGIONS, PLACELESS, seed_region_campaign


def test_sign_form_with_german_regions_at_320_px(page_factory, site, campaigns):
    campaign = seed_region_campaign(slug=DE_REGIONS, region_kind="subdivision", region_country="DE")
    ensure_language(campaign, "de")
    page = page_factory(width=320, height=640)
    page.goto(f"{site}/de/{DE_REGIONS}/")
    assert page.input_value("#id_country") == "DE"
    assert page.locator("label[for=id_region]").inner_text().startswith("Region")
    options = page.locator("#id_region option").all_inner_texts()
    assert options[0] == "Wähle deine Region"
    assert "Bayern" in options and "Nordrhein-Westfalen" in options and len(options) == 17
    assert axe_violations(page) == []
    # Nothing wider than the phone: no sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= 320

    page.fill("#id_name", "Anna Bauer")
    page.fill("#id_email", "anna@example.org")
    page.check("#id_privacy_consent")
    page.click("button[type=submit]")
    # A German signer without a region is asked for one, in the page's language.
    assert "Bitte wähle deine Region aus." in page.content()
    assert axe_violations(page) == []
    page.select_option("#id_region", "DE-BY")
    page.check("#id_privacy_consent")
    page.click("button[type=submit]")
    page.wait_for_url("**/check-email/")
    signature = Signature.objects.get(petition=campaign.petition)
    assert (signature.country, signature.region) == ("DE", "DE-BY")


def test_placeless_sign_form_at_320_px(page_factory, site, campaigns):
    campaign = seed_region_campaign(slug=PLACELESS, region_kind="none")
    page = page_factory(width=320, height=640)
    page.goto(f"{site}/en/{PLACELESS}/")
    assert page.locator("#id_country").count() == 0
    assert page.locator("#id_postal_code").count() == 0
    assert axe_violations(page) == []
    page.fill("#id_name", "Anna Bauer")
    page.fill("#id_email", "anna@example.org")
    page.check("#id_privacy_consent")
    page.click("button[type=submit]")
    page.wait_for_url("**/check-email/")
    assert Signature.objects.get(petition=campaign.petition).country == ""
