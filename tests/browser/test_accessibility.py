"""axe-core (from npm, injected by the tests only) finds no WCAG 2.2 AA violation on any public
page or state; the campaign page loads only from the site itself and within 60 KB compressed."""

from __future__ import annotations

import gzip
from urllib.parse import urlsplit

import pytest
from django.core import mail

from tests.browser.conftest import AXE, ensure_language
from tests.conftest import confirm_link

BR = "tiremeurostodasuamira"
EU = "banfacialrecognitioneu"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BUDGET = 60 * 1024


def axe_violations(page) -> list[str]:
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `npm install` (axe-core is a devDependency)")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
    ]


def sign(page, site, *, lang: str, slug: str, email: str) -> None:
    page.goto(f"{site}/{lang}/{slug}/")
    page.fill("#id_name", "Ana Souza")
    page.fill("#id_email", email)
    page.select_option("#id_country", "BR" if slug == BR else "GR")
    if slug == BR:
        page.select_option("#id_region", "BR-SP")
    page.check("#id_privacy_consent")
    page.click("button[type=submit]")
    page.wait_for_url("**/check-email/")


@pytest.mark.parametrize(("lang", "slug"), [("pt-br", BR), ("el", EU)])
def test_no_wcag_violations_on_any_public_page_or_state(
    page_factory, site, campaigns, settings, lang, slug
):
    ensure_language(campaigns[slug], lang)
    page = page_factory()
    base = f"{site}/{lang}/{slug}"
    found: dict[str, list[str]] = {}

    def check(state: str) -> None:
        if violations := axe_violations(page):
            found[state] = violations

    page.goto(f"{site}/{lang}/")
    check("campaign list")
    page.goto(f"{base}/")
    check("campaign page")
    page.click("button[type=submit]")
    page.wait_for_selector("#error-summary")
    check("form with errors")
    sign(page, site, lang=lang, slug=slug, email="first@example.org")
    check("check your email")
    first_link = confirm_link(mail.outbox[-1])
    page.goto(first_link)
    check("confirm")
    page.click("main button[type=submit]")
    page.wait_for_url("**/thanks/")
    check("thank you")
    page.goto(first_link)
    check("already confirmed")
    page.goto(f"{base}/confirm/not-a-real-token/")
    check("invalid link")
    sign(page, site, lang=lang, slug=slug, email="second@example.org")
    settings.SIGNATURE_CONFIRM_MAX_AGE = -1
    page.goto(confirm_link(mail.outbox[-1]))
    assert page.locator("input[name=token]").count() == 1  # the expired-link state
    check("expired link")
    page.goto(f"{base}/resend/")
    check("resend")
    page.click("main button[type=submit]")
    page.wait_for_selector("#error-summary")
    check("resend with errors")
    page.goto(f"{base}/privacy/")
    check("privacy notice")
    page.goto(f"{base}/share/mastodon/")
    check("share on Mastodon")
    page.goto(f"{base}/share/mastodon/?instance=nope")
    check("share on Mastodon with error")
    assert found == {}


def test_campaign_page_loads_only_from_the_site_within_60_kb(page_factory, site, campaigns):
    page = page_factory()
    requested: list[str] = []
    responses = []
    page.on("request", lambda request: requested.append(request.url))
    page.on("response", lambda response: responses.append(response))
    page.goto(f"{site}/pt-br/{BR}/", wait_until="networkidle")
    origin = urlsplit(site).netloc
    assert requested and all(urlsplit(url).netloc == origin for url in requested), requested
    loaded = {
        response.url: len(gzip.compress(response.body()))
        for response in responses
        if response.request.resource_type in ("document", "stylesheet", "script", "image", "font")
        and response.ok
    }
    assert {urlsplit(u).path for u in loaded} >= {
        f"/pt-br/{BR}/",
        "/static/css/site.css",
        "/static/js/focus-errors.js",
    }
    assert sum(loaded.values()) <= BUDGET, loaded
