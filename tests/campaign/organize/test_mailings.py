"""The organizer's send flow for an update: counts, test to oneself, confirmation, progress."""

from __future__ import annotations

import pytest
from django.core import mail

from petitions.models import AuditEvent, Mailing, MailingStatus
from tests import factories
from tests.campaign.organize.conftest import EU, login

pytestmark = pytest.mark.django_db

URL = f"/organize/{EU}/updates/news/send/"


@pytest.fixture
def update(campaigns):
    campaign = campaigns[EU]
    made = factories.mailing_update(campaign=campaign, texts={"en": "Big news", "de": "Neues"})
    for locale in ("en", "en", "de", "fr"):
        factories.signature(petition=campaign.petition, locale=locale, updates_opt_in=True)
    factories.signature(petition=campaign.petition, locale="de")  # not opted in
    return made


def test_send_page_shows_recipients_per_language_and_needs_a_test_first(client, cast, update):
    login(client, cast["owner"])
    response = client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "<tr><td>English</td><td>3</td></tr>" in page
    assert "<tr><td>Deutsch</td><td>1</td></tr>" in page
    assert 'value="confirm"' not in page
    response = client.post(URL, {"action": "confirm", "confirm": "on"})
    assert response.status_code == 302
    assert not Mailing.objects.filter(update=update).exclude(status="draft").exists()


@pytest.mark.parametrize("role", ["organizer", "viewer", "outsider"])
def test_send_page_is_for_owners_only(client, cast, update, role):
    login(client, cast[role])
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"action": "test", "language": "en"}).status_code == 403
    assert not Mailing.objects.exists()


def test_test_send_then_confirm_then_progress(client, cast, update, run_tasks):
    login(client, cast["owner"])
    response = client.post(URL, {"action": "test", "language": "de"})
    assert response.status_code == 302
    run_tasks()
    assert [(m.to, m.subject) for m in mail.outbox] == [(["owner@example.org"], "[TEST] Neues")]
    page = client.get(URL).content.decode()
    assert "Send to the signers (4)" in page
    response = client.post(URL, {"action": "confirm", "confirm": "on"})
    assert response.status_code == 302
    client.post(URL, {"action": "confirm", "confirm": "on"})  # a double click
    page = client.get(URL).content.decode()
    assert '<meta http-equiv="refresh" content="3">' in page
    run_tasks(limit=1000)
    assert len(mail.outbox) == 5
    page = client.get(URL).content.decode()
    assert 'id="mailing-sent">4<' in page and "refresh" not in page
    status = client.get(URL.replace("send/", "send/status.json")).json()
    assert status == {
        "status": "done",
        "recipients": 4,
        "sent": 4,
        "skipped": 0,
        "failed": 0,
        "unknown": 0,
        "percent": 100,
    }
    assert list(
        AuditEvent.objects.filter(action__startswith="mailing")
        .order_by("pk")
        .values_list("action", "user_email", "rows")
    ) == [
        ("mailing_test", "owner@example.org", 0),
        ("mailing_confirm", "owner@example.org", 4),
        ("mailing_finished", "owner@example.org", 4),
    ]
    assert Mailing.objects.get(update=update).status == MailingStatus.DONE


def test_confirm_without_the_checkbox_sends_nothing(client, cast, update, run_tasks):
    login(client, cast["owner"])
    client.post(URL, {"action": "test", "language": "en"})
    response = client.post(URL, {"action": "confirm"})
    assert response.status_code == 400
    assert Mailing.objects.get(update=update).status == MailingStatus.DRAFT
