"""Emailing an update in a real browser: the owner's test send, confirmation and progress to
done; one-click unsubscribe from the email's List-Unsubscribe URL and from its visible link;
axe finds nothing on the new pages. Screenshots go to the test's tmp folder."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from petitions.models import Mailing, Signature
from tests import factories
from tests.browser.test_workspace import check_axe, shoot, sign_in

EU = "banfacialrecognitioneu"
VISIBLE_LINK = re.compile(r"https?://[^\s]+/unsubscribe/[^\s]+/")


@pytest.fixture(autouse=True)
def _totp_tolerance(settings):
    settings.MFA_TOTP_TOLERANCE = 1


@pytest.fixture
def mailing_setup(campaigns):
    campaign = campaigns[EU]
    owner = factories.member(campaign=campaign, role="owner", email="owner@example.org")
    update = factories.mailing_update(
        campaign=campaign, texts={"en": "Big news", "de": "Große Neuigkeiten"}
    )
    signers = [
        factories.signature(petition=campaign.petition, locale=locale, updates_opt_in=True)
        for locale in ("en", "de", "fr")
    ]
    return owner, update, signers


def update_email_to(signature) -> mail.EmailMessage:
    return next(m for m in mail.outbox if m.to == [signature.email])


def test_owner_sends_an_update_and_signers_unsubscribe(page_factory, site, mailing_setup, tmp_path):
    owner, update, signers = mailing_setup
    found: dict = {}
    page = page_factory()
    sign_in(page, site, owner)
    page.goto(f"{site}/organize/{EU}/updates/{update.slug}/send/")
    assert page.locator("caption").first.inner_text() == "Recipients by language"
    check_axe(page, found, "send")
    shoot(page, tmp_path, "send")
    page.select_option("select[name=language]", "de")
    page.click("text=Send a test to me")
    page.wait_for_selector("text=A test is on its way to owner@example.org.")
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["owner@example.org"], "[TEST] Große Neuigkeiten")
    ]
    page.check("input[name=confirm]")
    check_axe(page, found, "confirm")
    page.click("text=Send to the signers (3)")
    page.wait_for_selector("#mailing-state")
    assert page.locator("#mailing-state").inner_text() == "Done."
    assert page.locator("#mailing-sent").inner_text() == "3"
    check_axe(page, found, "progress")
    shoot(page, tmp_path, "progress")
    assert Mailing.objects.get(update=update).sent == 3

    # One click from the header, as a mail provider does it: no cookie, no page.
    first = update_email_to(signers[0])
    header = first.extra_headers["List-Unsubscribe"].strip("<>")
    assert first.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    visitor = page_factory()
    answer = visitor.request.post(header, form={"List-Unsubscribe": "One-Click"})
    assert (answer.status, answer.text()) == (200, "Unsubscribed.\n")
    assert "set-cookie" not in answer.headers
    assert Signature.objects.get(pk=signers[0].pk).updates_opt_in is False

    # The visible link: a page with a button, then the done page.
    second = update_email_to(signers[1])
    link = VISIBLE_LINK.search(second.body).group(0)
    assert f"<{link}>" == second.extra_headers["List-Unsubscribe"]
    visitor.goto(link)
    check_axe(visitor, found, "unsubscribe")
    shoot(visitor, tmp_path, "unsubscribe")
    assert Signature.objects.get(pk=signers[1].pk).updates_opt_in is True
    visitor.click("main button[type=submit]")
    visitor.wait_for_url(f"**/{EU}/unsubscribed/")
    check_axe(visitor, found, "unsubscribed")
    assert visitor.context.cookies() == []
    assert Signature.objects.get(pk=signers[1].pk).updates_opt_in is False
    assert found == {}
