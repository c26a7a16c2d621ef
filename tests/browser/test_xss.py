"""XSS payloads as name, postal code and partner name never run in Chromium.

Every page or email is opened in a real browser with a payload that sets ``window.__xss`` if
it runs; the payload must show as text and ``window.__xss`` stay undefined.
"""

from __future__ import annotations

import os
import re
import shutil

import pytest
from django.core import mail

from campaign.campaigns.models import Partner
from petitions.models import Signature
from tests import factories
from tests.conftest import run_queued_tasks as run_in_transaction

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [
    pytest.mark.skipif(
        CHROMIUM is None and os.environ.get("CI") != "true", reason="no Chromium on this machine"
    ),
    pytest.mark.django_db(transaction=True),
]

EU = "banfacialrecognitioneu"
PAYLOAD = "<img src=x onerror=window.__xss=1>"
SCRIPT = '"><script>window.__xss=1</script>'


def run_queued_tasks():
    from django.db import transaction

    with transaction.atomic():  # the worker's row locks need one; these tests have none
        return run_in_transaction()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    yield page
    context.close()


def assert_inert(page, *texts):
    page.wait_for_load_state("load")
    assert page.evaluate("window.__xss") is None
    assert page.locator("img[src=x]").count() == 0
    body = page.inner_text("body") + " ".join(
        page.eval_on_selector_all("input", "els => els.map(e => e.value)")
    )
    for text in texts:
        assert text in body


def fill_form(page, *, name, email, postal_code="", country="DE"):
    page.fill("#id_name", name)
    page.fill("#id_email", email)
    page.select_option("#id_country", country)
    page.fill("#id_postal_code", postal_code)
    page.check("#id_privacy_consent")
    page.click("button[type=submit]")


def test_payloads_in_a_rejected_form_are_shown_as_text(page, live_server, campaigns):
    page.goto(f"{live_server.url}/en/{EU}/")
    fill_form(page, name=PAYLOAD, email="not-an-address", postal_code=SCRIPT[:16])
    assert page.locator(".error-summary").count() == 1
    assert_inert(page, PAYLOAD, SCRIPT[:16])
    assert Signature.objects.count() == 0


def test_payload_name_in_emails_and_pages_stays_inert(page, live_server, campaigns):
    page.goto(f"{live_server.url}/en/{EU}/")
    fill_form(page, name=SCRIPT + PAYLOAD, email="xss@example.org")
    assert page.url.endswith(f"/en/{EU}/check-email/")
    assert_inert(page)
    assert Signature.objects.get().name == SCRIPT + PAYLOAD
    run_queued_tasks()
    # The confirmation email goes to an unconfirmed address: it shows no name at all.
    confirm_html = mail.outbox[-1].alternatives[0][0]
    assert "__xss" not in confirm_html
    page.set_content(confirm_html)
    assert_inert(page)

    # The confirm and withdraw pages, then the data-copy email with every field.
    links = re.findall(r"http://testserver/\S+", mail.outbox[-1].body)
    confirm = next(link for link in links if "/confirm/" in link)
    data_copy = next(link for link in links if "/my-data/" in link)
    for link in [confirm, data_copy]:
        page.goto(link.replace("http://testserver", live_server.url))
        assert_inert(page)
    page.click("button[type=submit]")
    run_queued_tasks()
    page.set_content(mail.outbox[-1].alternatives[0][0])
    assert_inert(page, SCRIPT + PAYLOAD, "xss@example.org")


def test_payload_partner_name_on_the_campaign_page_stays_inert(page, live_server, campaigns):
    Partner.objects.create(campaign=campaigns[EU], name=PAYLOAD, website="https://example.org")
    Partner.objects.create(campaign=campaigns[EU], name=SCRIPT)
    page.goto(f"{live_server.url}/en/{EU}/")
    assert_inert(page, PAYLOAD, SCRIPT)


def test_payload_name_in_the_admin_list_stays_inert(page, live_server, campaigns, client):
    from django.conf import settings

    factories.signature(
        petition=campaigns[EU].petition,
        name=PAYLOAD,
        email="admin-xss@example.org",
        postal_code=SCRIPT[:16],
        confirmed=False,
    )
    user = factories.superuser(username="root", email="root@example.org")
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    page.goto(f"{live_server.url}/admin/petitions/signature/")
    assert_inert(page, PAYLOAD)
    page.click(f"text={PAYLOAD}")
    assert_inert(page, PAYLOAD, SCRIPT[:16])
