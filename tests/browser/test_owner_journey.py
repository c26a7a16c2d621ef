"""Issue 15's acceptance in one story, in Chromium: a new owner made by ``create_owner`` and
from then on only the browser. The owner sets a password through the emailed link, signs in and
sets up TOTP, creates, writes, sets up, translates, previews and publishes a third campaign,
invites an organizer, a viewer and a partner (each accepts in a browser of their own through the
emailed link); the partner adds 127.0.0.1, a local page embeds the widget, and a signature
through it shows in the partner's view and on the owner's dashboard.

The second test opens every organizer and partner page as an owner and as a partner at 375 px
and 1280 px and runs axe (WCAG 2.2 AA) on each. With SCREENSHOT_DIR set, the pages are kept as
pictures for a person to look at."""

from __future__ import annotations

import functools
import os
import re
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.conf import settings as django_settings
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client

from campaign.campaigns.models import CampaignMembership, Partner, Role
from petitions.models import Signature, Widget
from petitions.workspace import create_campaign
from tests.browser.test_accessibility import axe_violations
from tests.campaign.organize.conftest import PASSWORD, add_signature, make_user
from tests.conftest import confirm_link

EU = "banfacialrecognitioneu"
NEW = "cleanairnow"
LINK = re.compile(r"https?://[^\s]+/organize/invitations/[^/\s]+/")
RESET = re.compile(r"https?://[^\s]+/accounts/password/reset/key/[^\s]+/")
WIDTHS = (375, 1280)


@pytest.fixture(autouse=True)
def _totp_tolerance(settings):
    settings.MFA_TOTP_TOLERANCE = 1


def code(secret: str) -> str:
    cache.clear()  # a TOTP code is accepted once per period and user
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def check(page, found: dict, name: str) -> None:
    if violations := axe_violations(page):
        found[name] = violations


def overflow(page, found: dict, name: str, width: int) -> None:
    """Nothing wider than the screen: no sideways scrolling of the whole page."""
    if (scroll := page.evaluate("document.documentElement.scrollWidth")) > width:
        found[name] = [f"{scroll} px wide"]


def shoot(page, name: str) -> None:
    if folder := os.environ.get("SCREENSHOT_DIR"):
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def set_up_totp(page) -> None:
    """On allauth's activation page: read the secret, enter its code, leave the recovery codes."""
    page.wait_for_url("**/accounts/2fa/totp/activate/**")
    secret = page.locator("#authenticator_secret").input_value()
    page.fill("#id_code", code(secret))
    page.get_by_role("button", name="Activate").click()
    page.wait_for_url("**/accounts/2fa/recovery-codes/**")
    page.get_by_role("link", name="Continue").click()


def accept(browser, site, link: str, email: str, found: dict, name: str):
    """An invitee's own browser: sign up with the address filled in, then TOTP."""
    page = browser.new_context(locale="en-GB", bypass_csp=True).new_page()
    page.goto(link)
    page.wait_for_url(f"{site}/accounts/signup/**")
    assert page.input_value("#id_email") == email
    check(page, found, f"{name} signup")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.get_by_role("button", name="Sign Up").click()
    set_up_totp(page)
    return page


def invite(page, site, email: str, role: str) -> str:
    page.goto(f"{site}/organize/{NEW}/members/")
    page.get_by_label("Email address").fill(email)
    page.select_option("#id_role", role)
    page.get_by_role("button", name="Send invitation").click()
    page.wait_for_url(f"{site}/organize/{NEW}/members/")
    return LINK.search(mail.outbox[-1].body).group(0)


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve(folder: Path, snippet: str) -> ThreadingHTTPServer:
    (folder / "index.html").write_text(
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>A partner</title>"
        f"</head><body><main><h1>Partner news</h1>{snippet}</main></body></html>",
        encoding="utf-8",
    )
    handler = functools.partial(QuietHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def test_a_new_owner_runs_a_third_campaign_end_to_end(browser, site, campaigns, tmp_path):
    call_command("create_owner", "owner@example.org", EU, stdout=open(os.devnull, "w"))
    found: dict[str, list[str]] = {}
    page = browser.new_context(locale="en-GB", bypass_csp=True).new_page()

    # A password through the emailed link, then one password prompt, then TOTP set-up.
    page.goto(f"{site}/accounts/password/reset/")
    page.fill("#id_email", "owner@example.org")
    page.click("main button[type=submit]")
    page.wait_for_url("**/accounts/password/reset/done/")
    page.goto(RESET.search(mail.outbox[-1].body).group(0))
    page.wait_for_url("**/accounts/password/reset/key/**")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/accounts/password/reset/key/done/")
    page.goto(f"{site}/organize/")
    page.wait_for_url("**/accounts/login/**")
    page.fill("#id_login", "owner@example.org")
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    # Today allauth asks an account without TOTP for its password again before adding one
    # (tests/campaign/organize/test_mfa.py pins that).
    page.wait_for_url("**/accounts/reauthenticate/**")
    page.fill("#id_password", PASSWORD)
    page.click("main form:not(.inline-form) button[type=submit]")
    set_up_totp(page)
    page.wait_for_url(f"{site}/organize/")

    # Create, write, set up the petition.
    page.get_by_role("link", name="New campaign").click()
    page.wait_for_url("**/organize/new/")
    page.fill("#id_hashtag", "#CleanAirNow")
    page.fill("#id_slug", NEW)
    page.select_option("#id_primary_language", "en")
    page.select_option("#id_region_kind", "country")
    page.get_by_role("button", name="Create the draft").click()
    page.wait_for_url(f"**/organize/{NEW}/content/")
    page.fill("#id_title", "Clean air for every school")
    page.fill("#id_lead", "Children breathe the dirtiest air in town.")
    page.fill("#id_ask", "Close the streets around schools to through traffic.")
    page.fill("#id_addressee", "The city council")
    page.fill("#id_why", "Air pollution harms lungs.\r\n\r\nChildren suffer most.")
    page.fill("#id_petition_text", "We ask the city council:\n\nclose the school streets.")
    page.fill("#id_share_text", "I signed for clean air at schools.")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url(f"**/organize/{NEW}/petition/")
    page.fill("#id_goal", "5000")
    page.fill("#id_closes_on", "2031-06-30")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url(f"**/organize/{NEW}/setup/")

    # A translation, reviewed and published in the translation workspace.
    page.goto(f"{site}/organize/{NEW}/translations/")
    page.select_option("#id_language", "de")
    page.get_by_role("button", name="Translate").click()
    page.wait_for_url(f"**/organize/{NEW}/translations/de/")
    page.fill("#id_title", "Saubere Luft für jede Schule")
    page.fill("#id_lead", "Kinder atmen die schmutzigste Luft der Stadt.")
    page.fill("#id_ask", "Sperren Sie die Straßen um Schulen für den Durchgangsverkehr.")
    page.fill("#id_addressee", "Der Stadtrat")
    page.fill("#id_why", "Luftverschmutzung schadet der Lunge.\n\nKinder leiden am meisten.")
    page.fill("#id_petition_text", "Wir bitten den Stadtrat:\n\nsperren Sie die Schulstraßen.")
    page.fill("#id_share_text", "Ich habe für saubere Luft an Schulen unterschrieben.")
    page.click("text=Save translation")
    page.wait_for_url(f"**/organize/{NEW}/translations/de/")
    page.get_by_role("button", name="Mark reviewed").click()
    page.wait_for_url(f"**/organize/{NEW}/translations/de/")
    page.get_by_role("button", name="Publish", exact=True).click()
    page.wait_for_url(f"**/organize/{NEW}/translations/de/")
    assert "Reviewed" in page.inner_text(".translation-state")
    assert "Not published" not in page.inner_text(".translation-state")

    # Preview, then publish: only then is it public.
    public = browser.new_context().new_page()
    assert public.goto(f"{site}/en/{NEW}/").status == 404
    page.goto(f"{site}/organize/{NEW}/preview/")
    assert "Clean air for every school" in page.inner_text("h1")
    assert page.is_visible(".preview-banner")
    page.goto(f"{site}/organize/{NEW}/setup/")
    page.check("#confirm-publish")
    page.click("text=Publish the campaign >> xpath=ancestor-or-self::button")
    page.wait_for_url(f"**/organize/{NEW}/setup/")
    public = browser.new_context().new_page()
    assert public.goto(f"{site}/en/{NEW}/").status == 200
    assert public.goto(f"{site}/de/{NEW}/").status == 200
    assert "Saubere Luft für jede Schule" in public.inner_text("h1")

    # An organizer and a viewer, each in a browser of their own.
    link = invite(page, site, "organizer@example.org", "organizer")
    organizer = accept(browser, site, link, "organizer@example.org", found, "organizer")
    organizer.wait_for_url(f"{site}/organize/{NEW}/")
    link = invite(page, site, "viewer@example.org", "viewer")
    viewer = accept(browser, site, link, "viewer@example.org", found, "viewer")
    viewer.wait_for_url(f"{site}/organize/{NEW}/")
    roles = dict(
        CampaignMembership.objects.filter(campaign__slug=NEW).values_list("user__email", "role")
    )
    assert roles == {
        "owner@example.org": Role.OWNER,
        "organizer@example.org": Role.ORGANIZER,
        "viewer@example.org": Role.VIEWER,
    }
    assert organizer.locator("nav >> text=Recent signers").count() == 1
    assert viewer.locator("nav >> text=Recent signers").count() == 0
    assert viewer.goto(f"{site}/organize/{NEW}/signers/").status == 403
    viewer.goto(f"{site}/organize/{NEW}/exports/")
    assert f"/organize/{NEW}/exports/signers." not in viewer.content()
    assert viewer.goto(f"{site}/organize/{NEW}/exports/signers.csv").status == 403

    # A partner: invited, onboarded, adds 127.0.0.1, embeds the widget on a local page.
    page.goto(f"{site}/organize/{NEW}/partners/")
    page.get_by_label("Organisation").fill("Clean Air Club")
    page.get_by_label("Website").fill("https://cleanair.example.org")
    page.get_by_label("Email address").fill("team@cleanair.example.org")
    page.get_by_role("button", name="Send invitation").click()
    page.get_by_text("Invitation sent to team@cleanair.example.org.").wait_for()
    partner = Partner.objects.get(name="Clean Air Club")
    link = LINK.search(mail.outbox[-1].body).group(0)
    person = accept(browser, site, link, "team@cleanair.example.org", found, "partner")
    person.wait_for_url(f"{site}/partner/{partner.pk}/")
    person.get_by_label("Add a domain").fill("127.0.0.1")
    person.get_by_role("button", name="Add", exact=True).click()
    person.get_by_text("The domain was added.").wait_for()
    widget = Widget.objects.get(partner=partner)
    assert widget.allowed_domains == ["127.0.0.1"]
    script = person.locator("#embed-script").input_value()
    snippet = script.replace("async></script>", 'data-lang="en" async></script>')
    server = serve(tmp_path, snippet)
    try:
        supporter = browser.new_context().new_page()
        supporter.goto(f"http://127.0.0.1:{server.server_address[1]}/")
        frame = supporter.wait_for_selector("iframe[src*='/embed/']").content_frame()
        frame.get_by_label("Full name").fill("Ana Exemplo")
        frame.get_by_label("Email address").fill("ana@example.org")
        frame.get_by_label("Country").select_option("PT")
        frame.get_by_label("I agree that my signature is processed").check()
        frame.get_by_role("button", name="Sign").click()
        frame.wait_for_url(f"{site}/embed/{NEW}/sent/**")
    finally:
        server.shutdown()
        server.server_close()
    supporter.goto(confirm_link(mail.outbox[-1]))
    supporter.get_by_role("button", name="Confirm my signature").click()
    supporter.wait_for_url(f"{site}/en/{NEW}/thanks/**")
    signature = Signature.objects.get(email="ana@example.org")
    assert (signature.partner_id, signature.widget_id) == (partner.pk, widget.pk)

    person.reload()
    assert person.locator(".count-number").inner_text().strip() == "1"
    page.goto(f"{site}/organize/{NEW}/")
    row = page.locator("tr", has_text="Clean Air Club")
    assert row.locator("td.num").inner_text().strip() == "1"
    viewer.goto(f"{site}/organize/{NEW}/")  # the viewer sees the counts too
    row = viewer.locator("tr", has_text="Clean Air Club")
    assert row.locator("td.num").inner_text().strip() == "1"
    assert found == {}, found


def signed_in(browser, site, user, width: int):
    """A browser holding a session of ``user`` (TOTP active, as the areas require)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
    context = browser.new_context(
        viewport={"width": width, "height": 900}, bypass_csp=True, locale="en-GB"
    )
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": site}])
    return context.new_page()


def test_axe_finds_nothing_on_any_organizer_or_partner_page(browser, site, campaigns):
    eu = campaigns[EU]
    owner = make_user("owner@example.org")
    CampaignMembership.objects.create(user=owner, campaign=eu, role=Role.OWNER)
    partner = eu.partners.first()
    partner_person = make_user("partner@example.org")
    partner.memberships.create(user=partner_person)
    add_signature(eu.petition, name="Ana Souza", email="ana@example.org", country="PT")
    create_campaign(
        slug="draftcampaign",
        hashtag="#Draft",
        primary_language="en",
        region_kind="subdivision",
        region_country="BR",
        by=owner,
    )

    organizer_pages = [
        "",
        "new/",
        f"{EU}/",
        f"{EU}/signers/",
        f"{EU}/exports/",
        f"{EU}/packages/",
        f"{EU}/members/",
        f"{EU}/partners/",
        f"{EU}/audit/",
        f"{EU}/translations/",
        f"{EU}/translations/de/",
        f"{EU}/translations/en/",
        f"{EU}/setup/",
        f"{EU}/content/",
        f"{EU}/petition/",
        f"{EU}/controls/",
        f"{EU}/preview/",
        "draftcampaign/setup/",
        "draftcampaign/content/",
        "draftcampaign/members/",
    ]
    partner_pages = ["", f"{partner.pk}/"]
    found: dict[str, list[str]] = {}
    for width in WIDTHS:
        page = signed_in(browser, site, owner, width)
        for path in organizer_pages:
            response = page.goto(f"{site}/organize/{path}")
            assert response.status == 200, path
            name = f"organize-{path.strip('/').replace('/', '-') or 'list'}-{width}"
            check(page, found, name)
            overflow(page, found, name, width)
            shoot(page, name)
        page.context.close()
        page = signed_in(browser, site, partner_person, width)
        for path in partner_pages:
            assert page.goto(f"{site}/partner/{path}").status == 200, path
            name = f"partner-{path.strip('/') or 'list'}-{width}"
            check(page, found, name)
            overflow(page, found, name, width)
            shoot(page, name)
        page.context.close()
    assert found == {}, found
