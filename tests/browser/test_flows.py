"""The whole sign → confirm flow in a real browser: per language, without JavaScript, by
keyboard alone, and on a 320 px wide screen."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.utils import translation

from petitions.reporting.counting import petition_counts
from tests.browser.conftest import ensure_language
from tests.conftest import confirm_link

BR = "tiremeurostodasuamira"
EU = "banfacialrecognitioneu"
FLOWS = {
    # language: (campaign, country code, signer name)
    "pt-br": (BR, "BR", "João Araújo"),
    "pl": (EU, "PL", "Łukasz Żółkiewski"),
    "el": (EU, "GR", "Ελένη Παπαδοπούλου"),
}


def interface(language: str, text: str) -> str:
    with translation.override(language):
        return translation.gettext(text)


def assert_no_horizontal_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.evaluate("window.innerWidth")
    assert width <= viewport, f"{page.url} scrolls sideways: {width} > {viewport}"


def fill_form(page, *, name: str, email: str, country: str, region: str | None) -> None:
    page.fill("#id_name", name)
    page.fill("#id_email", email)
    page.select_option("#id_country", country)
    if region:
        page.select_option("#id_region", region)
    page.check("#id_privacy_consent")


def sign_and_confirm(page, site, *, language: str, width_check: bool = False) -> None:
    slug, country, name = FLOWS[language]
    page.goto(f"{site}/{language}/{slug}/")
    assert page.get_attribute("html", "lang") == language
    if width_check:
        assert_no_horizontal_scroll(page)

    # First an empty form: the errors come back in the page's language.
    page.click("button[type=submit]")
    page.wait_for_selector("#error-summary")
    assert page.get_attribute("#id_name", "aria-invalid") == "true"
    assert interface(language, "Please enter your name.") in page.inner_text("#error-summary")
    if width_check:
        assert_no_horizontal_scroll(page)

    email = f"{language}@example.org"
    fill_form(page, name=name, email=email, country=country, region="BR-SP" if slug == BR else None)
    page.click("button[type=submit]")
    page.wait_for_url(f"**/{language}/{slug}/check-email/")
    assert page.inner_text("h1") == interface(language, "Check your email")
    if width_check:
        assert_no_horizontal_scroll(page)

    message = mail.outbox[-1]
    assert message.to == [email]
    page.goto(confirm_link(message))
    assert page.inner_text("h1") == interface(language, "Confirm your signature")
    if width_check:
        assert_no_horizontal_scroll(page)
    page.click("button[type=submit]")
    page.wait_for_url(f"**/{language}/{slug}/thanks/")
    assert page.inner_text("h1") == interface(language, "Thank you for signing!")
    assert page.inner_text(".count-number strong") == "1"
    if width_check:
        assert_no_horizontal_scroll(page)


@pytest.mark.parametrize("language", sorted(FLOWS))
def test_sign_and_confirm_in_language(page_factory, site, campaigns, language):
    slug = FLOWS[language][0]
    ensure_language(campaigns[slug], language)
    sign_and_confirm(page_factory(), site, language=language)
    assert petition_counts(petition_id=campaigns[slug].petition.pk).total == 1
    # The email is in the signer's language.
    hashtag = campaigns[slug].hashtag
    with translation.override(language):
        expected = translation.gettext("Please confirm your signature for %(hashtag)s")
    assert expected != "Please confirm your signature for %(hashtag)s"
    assert mail.outbox[-1].subject == expected % {"hashtag": hashtag}


def test_sign_and_confirm_without_javascript(page_factory, site, campaigns):
    page = page_factory(javascript=False)
    sign_and_confirm(page, site, language="pt-br")
    assert petition_counts(petition_id=campaigns[BR].petition.pk).total == 1


def test_sign_and_confirm_on_a_320_px_screen(page_factory, site, campaigns):
    ensure_language(campaigns[EU], "el")
    page = page_factory(width=320, height=640)
    sign_and_confirm(page, site, language="el", width_check=True)
    for path in [f"/el/{EU}/privacy/", f"/el/{EU}/resend/", "/el/", f"/pt-br/{BR}/"]:
        page.goto(site + path)
        assert_no_horizontal_scroll(page)


def tab_to(page, selector: str, *, limit: int = 80) -> None:
    """Press Tab until the element matching ``selector`` has focus."""
    for _ in range(limit):
        if page.evaluate(
            "s => document.activeElement && document.activeElement.matches(s)", selector
        ):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


def test_sign_and_confirm_with_the_keyboard_only(page_factory, site, campaigns):
    page = page_factory()
    page.goto(f"{site}/pt-br/{BR}/")
    tab_to(page, "button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    # The error summary takes focus, and its links lead to the fields.
    assert page.evaluate("document.activeElement.id") == "error-summary"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#id_name"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "id_name"

    page.keyboard.type("Ana Souza")
    tab_to(page, "#id_email")
    page.keyboard.type("ana@example.org")
    tab_to(page, "#id_region")
    for _ in range(26):  # São Paulo is the 25th state
        if page.input_value("#id_region") == "BR-SP":
            break
        page.keyboard.press("ArrowDown")
    assert page.input_value("#id_region") == "BR-SP"
    tab_to(page, "#id_privacy_consent")
    page.keyboard.press("Space")
    tab_to(page, "button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/pt-br/{BR}/check-email/")

    page.goto(confirm_link(mail.outbox[-1]))
    tab_to(page, "main button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/pt-br/{BR}/thanks/")
    assert petition_counts(petition_id=campaigns[BR].petition.pk).total == 1


def test_visible_focus_outline_on_every_control(page_factory, site, campaigns):
    page = page_factory()
    page.goto(f"{site}/pt-br/{BR}/")
    seen = 0
    for _ in range(40):
        page.keyboard.press("Tab")
        style = page.evaluate(
            "() => { const s = getComputedStyle(document.activeElement);"
            " return [document.activeElement.tagName, s.outlineStyle, s.outlineWidth]; }"
        )
        if style[0] == "BODY":
            break
        assert style[1] != "none" and style[2] != "0px", style
        seen += 1
    assert seen > 10
    assert re.match(r"^\d", page.inner_text(".count-number strong"))
