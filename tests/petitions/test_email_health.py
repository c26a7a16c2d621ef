"""ESP webhooks: bounces and complaints stop mail; a hard bounce removes a pending signature."""

import base64
import json

import pytest
from django.core import mail

from petitions.confirmation import confirm_signature
from petitions.email_health import address_hash
from petitions.models import EmailSuppression, Signature
from tests.petitions.helpers import sign

BR = "tiremeurostodasuamira"
AUTH = "hooks:s3cret-webhook"


def postmark(client, record_type, email, *, auth=AUTH, **extra):
    payload = {"RecordType": record_type, "Email": email, "MessageID": "m-1", "ID": 1, **extra}
    if record_type == "SpamComplaint":
        payload["Type"] = "SpamComplaint"
    headers = {}
    if auth:
        headers["HTTP_AUTHORIZATION"] = "Basic " + base64.b64encode(auth.encode()).decode()
    return client.post(
        "/anymail/postmark/tracking/",
        json.dumps(payload),
        content_type="application/json",
        **headers,
    )


def test_hard_bounce_suppresses_the_address_and_removes_its_pending_signature(
    client, br_petition, settings, run_tasks
):
    settings.ANYMAIL = {"WEBHOOK_SECRET": AUTH}
    sign(client, lang="en", slug=BR, email="Gone.Away@example.org")
    sign(client, lang="en", slug=BR, email="kept@example.org")
    run_tasks()
    response = postmark(client, "Bounce", "gone.away@example.org", Type="HardBounce", TypeCode=1)
    assert response.status_code == 200
    assert list(Signature.objects.values_list("email", flat=True)) == ["kept@example.org"]
    assert list(EmailSuppression.objects.values_list("address_hash", "reason")) == [
        (address_hash("gone.away@example.org"), "bounced")
    ]
    assert "gone.away" not in EmailSuppression.objects.get().address_hash
    mail.outbox.clear()
    sign(client, lang="en", slug=BR, email="gone.away@example.org")
    run_tasks()
    assert mail.outbox == []


def test_complaint_stops_mail_but_keeps_a_confirmed_signature(
    client, br_petition, settings, run_tasks
):
    settings.ANYMAIL = {"WEBHOOK_SECRET": AUTH}
    sign(client, lang="en", slug=BR, email="angry@example.org", updates_opt_in="on")
    confirm_signature(public_id=Signature.objects.get().public_id)
    assert postmark(client, "SpamComplaint", "angry@example.org").status_code == 200
    signature = Signature.objects.get()
    assert (signature.status, signature.updates_opt_in) == ("confirmed", False)
    assert EmailSuppression.objects.get().reason == "complained"


def test_webhook_without_the_secret_is_refused(client, br_petition, settings):
    settings.ANYMAIL = {"WEBHOOK_SECRET": AUTH}
    sign(client, lang="en", slug=BR, email="victim@example.org")
    for auth in [None, "hooks:wrong"]:
        response = postmark(client, "Bounce", "victim@example.org", auth=auth, Type="HardBounce")
        assert response.status_code == 400
    assert Signature.objects.count() == 1
    assert EmailSuppression.objects.count() == 0


@pytest.mark.filterwarnings("ignore::anymail.exceptions.AnymailInsecureWebhookWarning")
def test_events_are_ignored_when_no_webhook_secret_is_configured(client, br_petition, settings):
    settings.ANYMAIL = {}
    sign(client, lang="en", slug=BR, email="victim@example.org")
    postmark(client, "Bounce", "victim@example.org", auth=None, Type="HardBounce")
    assert Signature.objects.count() == 1
    assert EmailSuppression.objects.count() == 0
