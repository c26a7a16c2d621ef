"""Onboarding in Chromium: an owner signs in (password once, then the code, then the page asked
for) and invites a partner; the partner's person follows the emailed link, signs up with the
address filled in, sets up TOTP, lands in the partner area, adds a domain and copies the embed
code; a signature through the widget on a local page shows in the partner's and the owner's
views. An organizer invitation takes four steps. axe finds nothing on each page."""

from __future__ import annotations

import functools
import os
import re
import shutil
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.conf import settings as django_settings
from django.core import mail
from django.core.cache import cache
from django.db import transaction

from campaign.campaigns.models import CampaignMembership, Partner
from petitions.models import Signature, Widget
from petitions.seeding import seed_launch_campaigns
from tests.campaign.organize.conftest import PASSWORD, SECRET, make_user
from tests.conftest import confirm_link, run_queued_tasks

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
AXE = django_settings.BASE_DIR / "node_modules" / "axe-core" / "axe.min.js"
BR = "tiremeurostodasuamira"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
INVITE_LINK = re.compile(r"https?://[^\s]+/organize/invitations/[^/\s]+/")
SCREENSHOTS = os.environ.get("SCREENSHOT_DIR", "")

pytestmark = pytest.mark.skipif(
    os.environ.get("CI") != "true" and (CHROMIUM is None or not AXE.exists()),
    reason="needs Chromium and `npm ci` (axe-core); they must be there when CI=true",
)


@pytest.fixture
def site(transactional_db, settings):
    """The petition site on 127.0.0.1, seeded, mail to mail.outbox, tasks queued."""
    from pytest_django.live_server_helper import LiveServer

    seed_launch_campaigns(demo_partner=False)
    settings.MFA_TOTP_TOLERANCE = 1
    server = LiveServer("127.0.0.1:0")
    settings.SITE_URL = server.url
    yield server.url
    server.stop()


@pytest.fixture
def owner(site):
    user = make_user("owner@example.org")
    CampaignMembership.objects.create(user=user, campaign_id=campaign_id(), role="owner")
    return user


def campaign_id() -> int:
    from campaign.campaigns.models import Campaign

    return Campaign.objects.get(slug=BR).pk


def code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def axe(page, what: str) -> None:
    # Evaluated through DevTools: the pages' CSP rightly refuses injected script tags.
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;0")
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
    )
    violations = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]
    assert violations == [], what
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/{what}.png", full_page=True)


def run_tasks() -> int:
    with transaction.atomic():  # the queue claims tasks with SELECT ... FOR UPDATE
        return run_queued_tasks()


def sign_in(page, site, path: str, user) -> None:
    """Open a private page, sign in once with the password, then the code: back on ``path``."""
    cache.clear()
    page.goto(site + path)
    page.wait_for_url(f"{site}/accounts/login/**")
    axe(page, "signin")
    page.locator("#id_login").fill(user.email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(f"{site}/accounts/2fa/authenticate/**")
    axe(page, "signin-code")
    page.locator("#id_code").fill(code(SECRET))
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(site + path)


def sign_up_through(page, site, link: str, email: str) -> tuple[str, int]:
    """Follow an invitation link as a newcomer; the pages and actions it took."""
    steps = 1
    page.goto(link)
    page.wait_for_url(f"{site}/accounts/signup/**")
    email_box = page.locator("#id_email")
    assert email_box.input_value() == email
    assert email_box.get_attribute("readonly") is not None
    axe(page, "signup")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.get_by_role("button", name="Sign Up").click()
    steps += 1
    page.wait_for_url(f"{site}/accounts/2fa/totp/activate/**")
    axe(page, "totp-setup")
    secret = page.locator("#authenticator_secret").input_value()
    page.locator("#id_code").fill(code(secret))
    page.get_by_role("button", name="Activate").click()
    steps += 1
    page.wait_for_url(f"{site}/accounts/2fa/recovery-codes/**")
    axe(page, "recovery-codes")
    page.get_by_role("link", name="Continue").click()
    steps += 1
    return page.url, steps


def test_organizer_invitation_in_four_steps(site, owner, browser):
    page = browser.new_context().new_page()
    sign_in(page, site, f"/organize/{BR}/members/", owner)
    page.get_by_label("Email address").fill("new.organizer@example.org")
    page.locator("#id_role").select_option("organizer")
    page.get_by_role("button", name="Send invitation").click()
    assert run_tasks() == 1
    link = INVITE_LINK.search(mail.outbox[-1].body).group(0)

    invitee = browser.new_context().new_page()
    url, steps = sign_up_through(invitee, site, link, "new.organizer@example.org")
    assert url == f"{site}/organize/{BR}/"
    assert steps <= 4
    assert CampaignMembership.objects.get(user__email="new.organizer@example.org").role == (
        "organizer"
    )


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve_partner_page(tmp_path, snippet: str) -> tuple[ThreadingHTTPServer, str]:
    (tmp_path / "index.html").write_text(
        f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>A coalition partner</title></head>
<body><main><h1>Partner news</h1>{snippet}</main></body></html>""",
        encoding="utf-8",
    )
    handler = functools.partial(QuietHandler, directory=str(tmp_path))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://localhost:{server.server_address[1]}"


def test_partner_onboarding_end_to_end(site, owner, browser, tmp_path):
    page = browser.new_context().new_page()
    sign_in(page, site, f"/organize/{BR}/partners/", owner)
    axe(page, "organize-partners")
    page.get_by_label("Organisation").fill("Instituto Exemplo")
    page.get_by_label("Website").fill("https://exemplo.example.org")
    page.get_by_label("Email address").fill("equipe@exemplo.example.org")
    page.get_by_role("button", name="Send invitation").click()
    page.get_by_text("Invitation sent to equipe@exemplo.example.org.").wait_for()
    partner = Partner.objects.get(name="Instituto Exemplo")
    widget = Widget.objects.get(partner=partner)
    assert run_tasks() == 1
    link = INVITE_LINK.search(mail.outbox[-1].body).group(0)

    context = browser.new_context(viewport={"width": 375, "height": 800})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site)
    person = context.new_page()
    url, steps = sign_up_through(person, site, link, "equipe@exemplo.example.org")
    assert url == f"{site}/partner/{partner.pk}/"
    assert steps <= 4
    axe(person, "partner-dashboard-phone")

    person.get_by_label("Add a domain").fill("localhost")
    person.get_by_role("button", name="Add", exact=True).click()
    person.get_by_text("The domain was added.").wait_for()
    widget.refresh_from_db()
    assert widget.allowed_domains == ["localhost"]

    script = person.locator("#embed-script").input_value()
    assert f'data-partner="{widget.key}"' in script
    person.locator("button.copy[data-copy='embed-script']").click()
    person.get_by_text("Copied.").wait_for()
    assert person.evaluate("navigator.clipboard.readText()") == script
    person.frame_locator("iframe.embed-preview").locator("#id_name").wait_for()  # live preview
    preview = person.locator("iframe.embed-preview").bounding_box()
    assert preview["height"] >= 700 and preview["width"] >= 300
    person.set_viewport_size({"width": 1280, "height": 900})
    axe(person, "partner-dashboard-desktop")

    # A supporter signs through the partner's widget on a local page.
    server, partner_site = serve_partner_page(
        tmp_path, script.replace("async></script>", 'data-lang="en" async></script>')
    )
    try:
        supporter = browser.new_context().new_page()
        supporter.goto(partner_site + "/")
        frame = supporter.wait_for_selector("iframe[src*='/embed/']").content_frame()
        frame.get_by_label("Full name").fill("Ana Exemplo")
        frame.get_by_label("Email address").fill("ana@example.org")
        frame.get_by_label("Country").select_option("BR")
        frame.get_by_label("State").select_option("BR-RJ")
        frame.get_by_label("I agree that my signature is processed").check()
        frame.get_by_role("button", name="Sign").click()
        frame.wait_for_url(f"{site}/embed/{BR}/sent/**")
    finally:
        server.shutdown()
        server.server_close()
    assert run_tasks() == 1
    confirm = browser.new_context().new_page()
    confirm.goto(confirm_link(mail.outbox[-1]))
    confirm.get_by_role("button", name="Confirm my signature").click()
    confirm.wait_for_url(f"{site}/en/{BR}/thanks/**")
    signature = Signature.objects.get(email="ana@example.org")
    assert (signature.partner_id, signature.widget_id) == (partner.pk, widget.pk)

    person.reload()
    assert person.locator(".count-number").inner_text().strip() == "1"
    page.goto(f"{site}/organize/{BR}/")
    row = page.locator("tr", has_text="Instituto Exemplo")
    assert row.locator("td.num").inner_text().strip() == "1"
