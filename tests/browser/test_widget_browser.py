"""The partner widget in Chromium, on a partner page of another site, third-party cookies blocked.

The petition site runs at http://127.0.0.1:<port>; the partner page is served by a tiny
http.server and opened as http://localhost:<port2>, a different site.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.db import connections, transaction

from campaign.campaigns.models import Campaign
from petitions.models import Signature
from petitions.seeding import seed_demo_partner
from tests.conftest import confirm_link, run_queued_tasks

# Playwright's sync API runs an event loop in this thread; the ORM calls here are still sync.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
AXE = django_settings.BASE_DIR / "node_modules" / "axe-core" / "axe.min.js"
BR = "tiremeurostodasuamira"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

pytestmark = pytest.mark.skipif(
    os.environ.get("CI") != "true" and (CHROMIUM is None or not AXE.exists()),
    reason="needs Chromium and `npm ci` (axe-core); they must be there when CI=true",
)


@pytest.fixture
def site(transactional_db, settings):
    """The petition site on 127.0.0.1, seeded, sending mail to mail.outbox."""
    from pytest_django.live_server_helper import LiveServer

    for campaign in Campaign.objects.select_related("petition"):  # seeded for the session
        seed_demo_partner(campaign, campaign.petition)
    server = LiveServer("127.0.0.1:0")
    settings.SITE_URL = server.url
    yield server.url
    server.stop()


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def partner_page(tmp_path, site):
    """A partner's page on another site (localhost, another port) that embeds the widget."""
    (tmp_path / "index.html").write_text(
        f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>A coalition partner</title></head>
<body><main><h1>Partner news</h1><p>Sign with us:</p>
<script src="{site}/embed/{BR}.js" data-partner="demo-{BR}" data-lang="en"
  data-accent="#005a9c" async></script>
<p>Footer of the partner page.</p></main></body></html>""",
        encoding="utf-8",
    )
    handler = functools.partial(QuietHandler, directory=str(tmp_path))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://localhost:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def widget_frame(page):
    handle = page.wait_for_selector("iframe[src*='/embed/']")
    frame = handle.content_frame()
    frame.wait_for_load_state()
    return handle, frame


def test_widget_on_another_site_signs_confirms_and_counts_for_the_partner(
    site, partner_page, browser
):
    context = browser.new_context()
    set_cookies = []
    context.on(
        "response",
        lambda response: (
            set_cookies.append(response.url)
            if response.header_value("set-cookie") is not None
            else None
        ),
    )
    page = context.new_page()
    page.goto(partner_page + "/?source=newsletter")

    handle, frame = widget_frame(page)
    assert frame.url.startswith(f"{site}/embed/{BR}/?partner=demo-{BR}")
    assert f"origin=http%3A%2F%2Flocalhost%3A{partner_page.rsplit(':', 1)[1]}" in frame.url
    frame.get_by_label("Full name").wait_for()

    # The frame resizes to its content through postMessage.
    page.wait_for_function(
        "() => document.querySelector('iframe').style.height !== '640px'", timeout=10_000
    )
    content_height = frame.evaluate("Math.ceil(document.body.getBoundingClientRect().height)")
    assert handle.evaluate("f => f.getBoundingClientRect().height") == content_height
    # The partner page itself (another origin, another window) cannot resize the frame.
    page.evaluate("window.postMessage({type: 'petition-embed:height', height: 50}, '*')")
    page.wait_for_timeout(200)
    assert handle.evaluate("f => f.getBoundingClientRect().height") == content_height

    assert frame.evaluate("document.cookie") == ""
    assert page.evaluate("document.cookie") == ""

    # Zero WCAG 2.2 AA violations inside the frame (axe evaluated through DevTools: the
    # frame's CSP rightly refuses injected script tags).
    frame.evaluate(AXE.read_text(encoding="utf-8") + "\n;0")
    results = frame.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
    )
    violations = [(v["id"], [n["target"] for n in v["nodes"]]) for v in results["violations"]]
    assert violations == []
    assert len(results["passes"]) >= 10  # axe really looked at the form

    frame.get_by_label("Full name").fill("Maria da Silva")
    frame.get_by_label("Email address").fill("maria@example.org")
    frame.get_by_label("Country").select_option("BR")
    frame.get_by_label("State").select_option("BR-SP")
    frame.get_by_label("I agree that my signature is processed").check()
    frame.get_by_label("Keep me informed by Demo partner.").check()
    frame.get_by_role("button", name="Sign").click()
    frame.wait_for_url(f"{site}/embed/{BR}/sent/**")
    assert frame.get_by_role("heading", name="Check your email").is_visible()
    page.wait_for_function(
        "h => document.querySelector('iframe').style.height !== h + 'px'",
        arg=content_height,
        timeout=10_000,
    )
    sent_height = frame.evaluate("Math.ceil(document.body.getBoundingClientRect().height)")
    assert handle.evaluate("f => f.getBoundingClientRect().height") == sent_height
    assert frame.evaluate("document.cookie") == ""

    with transaction.atomic():  # the queue claims tasks with SELECT ... FOR UPDATE
        assert run_queued_tasks() == 1
    (message,) = mail.outbox
    assert "Demo partner" in message.body
    confirm_page = context.new_page()
    confirm_page.goto(confirm_link(message))
    confirm_page.get_by_role("button", name="Confirm my signature").click()
    confirm_page.wait_for_url(f"{site}/en/{BR}/thanks/**")
    assert confirm_page.get_by_role("link", name=partner_page + "/").is_visible()

    api = json.loads(
        confirm_page.request.get(f"{site}/api/v1/petitions/{BR}?partner=demo-{BR}").text()
    )
    assert (api["signatures"], api["partner"]) == (
        1,
        {"key": f"demo-{BR}", "name": "Demo partner", "signatures": 1},
    )
    signature = Signature.objects.select_related("widget").get()
    assert (
        signature.widget.key,
        signature.embed_origin,
        signature.embed_origin_registered,
        signature.source,
        signature.partner_opt_in,
    ) == (f"demo-{BR}", partner_page, True, "newsletter", True)
    assert set_cookies == []
    context.close()
    # The ORM calls above ran while Playwright's loop was current, on a connection of their own.
    connections.close_all()
