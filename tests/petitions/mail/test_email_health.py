"""ESP tracking webhooks: hard failures suppress, soft ones resend, nothing malformed answers 500.

Payloads have the shapes of the ESPs' real webhooks (as in django-anymail's own webhook tests)
and are posted to the URL the site really mounts for settings.EMAIL_ESP.
"""

import base64
import datetime
import hashlib
import hmac
import importlib
import json

import pytest
from django.core import mail
from django.urls import clear_url_caches
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django_tasks_db.models import DBTaskResult

from petitions.mail.suppression import address_hash, is_suppressed
from petitions.models import EmailSuppression, Signature, SoftBounce
from tests.petitions.helpers import confirm_signature, sign

BR = "tiremeurostodasuamira"
EU = "banfacialrecognitioneu"
AUTH = "hooks:s3cret-webhook"
MAILGUN_SIGNING_KEY = "mailgun-signing-key"
ADDRESS = "box@example.org"


def mount_urls():
    import campaign.urls

    importlib.reload(campaign.urls)
    clear_url_caches()


@pytest.fixture
def esp(settings):
    """Configure an ESP (by anymail name) and mount its webhook as the site does at start."""
    original = settings.EMAIL_ESP

    def configure(name: str, *, secret: str | None = AUTH) -> None:
        settings.EMAIL_ESP = name
        settings.ANYMAIL = {"MAILGUN_WEBHOOK_SIGNING_KEY": MAILGUN_SIGNING_KEY}
        if secret:
            settings.ANYMAIL["WEBHOOK_SECRET"] = secret
        mount_urls()

    yield configure
    settings.EMAIL_ESP = original
    mount_urls()


def mailgun_signed(event_data: dict) -> dict:
    timestamp, token = "1534110422", "0123456789abcdef0123456789abcdef"
    signature = hmac.new(
        MAILGUN_SIGNING_KEY.encode(), f"{timestamp}{token}".encode(), hashlib.sha256
    ).hexdigest()
    return {
        "signature": {"timestamp": timestamp, "token": token, "signature": signature},
        "event-data": event_data,
    }


def mailgun_failed(email: str, severity: str) -> dict:
    return mailgun_signed(
        {
            "event": "failed",
            "severity": severity,
            "reason": "bounce" if severity == "permanent" else "generic",
            "recipient": email,
            "timestamp": 1534110422.389832,
            "log-level": "error",
            "message": {"headers": {"to": email, "message-id": "2018.1.0DF5@example.org"}},
            "delivery-status": {
                "attempt-no": 1,
                "code": 550 if severity == "permanent" else 498,
                "message": "5.1.1 The email account that you tried to reach does not exist."
                if severity == "permanent"
                else "No MX for example.org",
                "description": "",
            },
        }
    )


def postmark_bounce(email: str, bounce_type: str) -> dict:
    return {
        "RecordType": "Bounce",
        "ID": 901542550,
        "Type": bounce_type,
        "TypeCode": {"HardBounce": 1, "SoftBounce": 4096}[bounce_type],
        "ServerID": 23,
        "Name": "Hard bounce" if bounce_type == "HardBounce" else "Soft bounce",
        "MessageID": "2706ee8a-737c-4285-b032-ccd317af53ed",
        "Description": "The server was unable to deliver your message.",
        "Details": "smtp;550 5.1.1 The email account that you tried to reach does not exist.",
        "Email": email,
        "From": "sender@example.com",
        "BouncedAt": "2016-04-27T16:28:50.3963933-04:00",
        "DumpAvailable": True,
        "Inactive": bounce_type == "HardBounce",
        "CanActivate": True,
        "Subject": "Confirm your signature",
    }


def brevo_event(email: str, event: str) -> dict:
    return {
        "event": event,
        "email": email,
        "id": 1234,
        "ts_epoch": 1520363423000,
        "message-id": "<201803011158.9876543210@smtp-relay.mailin.fr>",
        "reason": " RecipientError: 550 5.5.0 Requested action not taken: mailbox unavailable.",
        "tag": "confirmation",
    }


def mailjet_bounce(email: str, *, hard: bool) -> list:
    return [
        {
            "event": "bounce",
            "time": 1498093527,
            "MessageID": 12345678901234567,
            "email": email,
            "mj_campaign_id": 1234567890,
            "mj_contact_id": 9876543210,
            "customcampaign": "",
            "blocked": hard,
            "hard_bounce": hard,
            "error_related_to": "recipient" if hard else "domain",
            "error": "user unknown" if hard else "greylisted",
        }
    ]


HARD_BOUNCES = {
    "mailgun": lambda email: mailgun_failed(email, "permanent"),
    "postmark": lambda email: postmark_bounce(email, "HardBounce"),
    "brevo": lambda email: brevo_event(email, "hard_bounce"),
    "mailjet": lambda email: mailjet_bounce(email, hard=True),
}
SOFT_BOUNCES = {
    "mailgun": lambda email: mailgun_failed(email, "temporary"),
    "postmark": lambda email: postmark_bounce(email, "SoftBounce"),
    "brevo": lambda email: brevo_event(email, "soft_bounce"),
    "mailjet": lambda email: mailjet_bounce(email, hard=False),
}
COMPLAINTS = {
    "mailgun": lambda email: mailgun_signed(
        {
            "event": "complained",
            "id": "ncV2XwymRUKbPek_MIM-Gw",
            "timestamp": 1377214260.049634,
            "recipient": email,
            "message": {"headers": {"to": email, "message-id": "20130718.263EE@example.org"}},
        }
    ),
    "postmark": lambda email: {
        "RecordType": "SpamComplaint",
        "ID": 901542550,
        "Type": "SpamComplaint",
        "TypeCode": 512,
        "Name": "Spam complaint",
        "MessageID": "2706ee8a-737c-4285-b032-ccd317af53ed",
        "ServerID": 1234,
        "Details": "Test spam complaint details",
        "Email": email,
        "BouncedAt": "2016-04-27T16:28:50.3963933-04:00",
    },
    "brevo": lambda email: {
        "event": "complaint",
        "email": email,
        "id": "xxxxx",
        "date": "2020-10-09 00:00:00",
        "ts": 1604933619,
        "message-id": "201798300811.5787683@relay.domain.com",
        "ts_event": 1604933654,
        "tags": ["transac_messages"],
    },
    "mailjet": lambda email: [
        {
            "event": "spam",
            "time": 1498093527,
            "MessageID": 12345678901234567,
            "email": email,
            "mj_campaign_id": 1234567890,
            "mj_contact_id": 9876543210,
            "customcampaign": "",
            "source": "JMRPP",
        }
    ],
}


def post(client, esp_name, payload, *, auth=AUTH, content_type="application/json"):
    headers = {}
    if auth:
        headers["HTTP_AUTHORIZATION"] = "Basic " + base64.b64encode(auth.encode()).decode()
    body = payload if isinstance(payload, str | bytes) else json.dumps(payload)
    return client.post(f"/anymail/{esp_name}/tracking/", body, content_type=content_type, **headers)


def queued_confirmations():
    return list(
        DBTaskResult.objects.filter(task_path="petitions.mail.tasks.send_confirmation_email")
        .order_by("id")
        .values_list("status", "args_kwargs")
    )


def signed_up(client, run_tasks, *emails, slug=BR):
    for email in emails:
        sign(client, lang="en", slug=slug, email=email)
    run_tasks()
    mail.outbox.clear()


@pytest.mark.parametrize("esp_name", sorted(HARD_BOUNCES))
def test_hard_bounce_suppresses_the_address_and_removes_its_pending_signature(
    client, br_petition, esp, run_tasks, esp_name
):
    esp(esp_name)
    signed_up(client, run_tasks, "Box@example.org", "kept@example.org")
    response = post(client, esp_name, HARD_BOUNCES[esp_name](ADDRESS))
    assert response.status_code == 200
    assert list(Signature.objects.values_list("email", flat=True)) == ["kept@example.org"]
    assert list(EmailSuppression.objects.values_list("address_hash", "reason")) == [
        (address_hash(ADDRESS), "bounced")
    ]
    assert "box" not in EmailSuppression.objects.get().address_hash
    sign(client, lang="en", slug=BR, email=ADDRESS)
    run_tasks()
    assert mail.outbox == []


@pytest.mark.parametrize("esp_name", sorted(SOFT_BOUNCES))
def test_soft_bounce_keeps_the_signature_and_resends_the_confirmation_later(
    client, br_petition, esp, run_tasks, esp_name, settings
):
    esp(esp_name)
    signed_up(client, run_tasks, ADDRESS)
    signature = Signature.objects.get()
    before = timezone.now()
    response = post(client, esp_name, SOFT_BOUNCES[esp_name](ADDRESS))
    after = timezone.now()
    assert response.status_code == 200
    assert EmailSuppression.objects.count() == 0
    assert list(Signature.objects.values_list("email", "status")) == [(ADDRESS, "pending")]
    resend = DBTaskResult.objects.filter(status="READY").get()
    assert resend.args_kwargs == {"args": [], "kwargs": {"signature_id": signature.pk}}
    first_delay = datetime.timedelta(seconds=settings.EMAIL_RETRY_DELAYS[0])
    assert before + first_delay <= resend.run_after <= after + first_delay
    assert run_tasks() == 0  # not due yet
    DBTaskResult.objects.filter(pk=resend.pk).update(run_after=timezone.now())
    assert run_tasks() == 1
    assert [message.to for message in mail.outbox] == [[ADDRESS]]


def test_soft_bounces_resend_at_most_once_per_retry_delay(
    client, br_petition, esp, run_tasks, settings
):
    settings.EMAIL_RETRY_DELAYS = [10, 60]
    esp("postmark")
    signed_up(client, run_tasks, ADDRESS)
    signature_id = Signature.objects.get().pk
    before = timezone.now()
    for _ in range(4):
        assert post(client, "postmark", SOFT_BOUNCES["postmark"](ADDRESS)).status_code == 200
    after = timezone.now()
    waiting = list(DBTaskResult.objects.filter(status="READY").order_by("run_after"))
    assert [task.args_kwargs["kwargs"] for task in waiting] == [{"signature_id": signature_id}] * 2
    for task, delay in zip(waiting, [10, 60], strict=True):
        step = datetime.timedelta(seconds=delay)
        assert before + step <= task.run_after <= after + step
    assert list(SoftBounce.objects.values_list("address_hash", "count")) == [
        (address_hash(ADDRESS), 4)
    ]
    assert EmailSuppression.objects.count() == 0


def test_soft_bounce_count_starts_again_after_the_window(
    client, br_petition, esp, run_tasks, settings
):
    settings.EMAIL_RETRY_DELAYS = [10]
    esp("brevo")
    signed_up(client, run_tasks, ADDRESS)
    SoftBounce.objects.create(
        address_hash=address_hash(ADDRESS),
        count=1,
        last_bounced_at=timezone.now() - datetime.timedelta(days=8),
    )
    assert post(client, "brevo", SOFT_BOUNCES["brevo"](ADDRESS)).status_code == 200
    assert list(SoftBounce.objects.values_list("count", flat=True)) == [1]
    assert DBTaskResult.objects.filter(status="READY").count() == 1


@pytest.mark.parametrize("esp_name", sorted(COMPLAINTS))
def test_complaint_suppresses_but_keeps_a_confirmed_signature(
    client, br_petition, esp, run_tasks, esp_name
):
    esp(esp_name)
    sign(client, lang="en", slug=BR, email=ADDRESS, updates_opt_in="on")
    confirm_signature(public_id=Signature.objects.get().public_id)
    assert post(client, esp_name, COMPLAINTS[esp_name](ADDRESS)).status_code == 200
    signature = Signature.objects.get()
    assert (signature.status, signature.updates_opt_in) == ("confirmed", False)
    assert list(EmailSuppression.objects.values_list("address_hash", "reason")) == [
        (address_hash(ADDRESS), "complained")
    ]


def test_resubscription_lifts_the_suppression(client, campaigns, esp, run_tasks):
    esp("postmark")
    assert post(client, "postmark", HARD_BOUNCES["postmark"](ADDRESS)).status_code == 200
    assert is_suppressed(ADDRESS) is True
    resubscribe = {
        "RecordType": "SubscriptionChange",
        "MessageID": "a4909a96-73d7-4c49-b148-a54522d3f7ac",
        "ServerID": 23,
        "MessageStream": "outbound",
        "ChangedAt": "2022-06-05T17:17:32Z",
        "Recipient": ADDRESS,
        "Origin": "Customer",
        "SuppressSending": False,
        "SuppressionReason": None,
    }
    assert post(client, "postmark", resubscribe).status_code == 200
    assert EmailSuppression.objects.count() == 0
    sign(client, lang="en", slug=BR, email=ADDRESS)
    run_tasks()
    assert [message.to for message in mail.outbox] == [[ADDRESS]]


def test_a_later_confirmation_lifts_the_suppression(client, campaigns, esp, run_tasks):
    esp("mailjet")
    signed_up(client, run_tasks, ADDRESS)
    assert post(client, "mailjet", COMPLAINTS["mailjet"](ADDRESS)).status_code == 200
    assert is_suppressed(ADDRESS) is True
    confirm_signature(public_id=Signature.objects.get().public_id)
    sign(client, lang="en", slug=EU, email=ADDRESS, country="DE", region="")
    run_tasks()
    assert [message.to for message in mail.outbox] == [[ADDRESS]]
    assert EmailSuppression.objects.count() == 0


def test_an_earlier_confirmation_does_not_lift_the_suppression(client, campaigns, esp, run_tasks):
    esp("postmark")
    sign(client, lang="en", slug=BR, email=ADDRESS)
    confirm_signature(public_id=Signature.objects.get().public_id)
    assert post(client, "postmark", COMPLAINTS["postmark"](ADDRESS)).status_code == 200
    sign(client, lang="en", slug=EU, email=ADDRESS, country="DE", region="")
    run_tasks()
    assert mail.outbox == []
    assert EmailSuppression.objects.count() == 1


def test_suppression_survives_a_secret_key_rotation(client, br_petition, esp, run_tasks, settings):
    esp("brevo")
    assert post(client, "brevo", HARD_BOUNCES["brevo"](ADDRESS)).status_code == 200
    settings.SECRET_KEY = "a-brand-new-secret-key-after-rotation-0123456789"
    settings.SECRET_KEY_FALLBACKS = []
    assert is_suppressed(ADDRESS) is True
    sign(client, lang="en", slug=BR, email=ADDRESS)
    run_tasks()
    assert mail.outbox == []


def test_a_row_keyed_on_the_old_secret_key_is_found_and_rekeyed(db, settings):
    old_key = settings.SECRET_KEY
    legacy = salted_hmac("petitions.suppression", ADDRESS, secret=old_key).hexdigest()
    EmailSuppression.objects.create(address_hash=legacy, reason="complained")
    settings.SECRET_KEY = "a-brand-new-secret-key-after-rotation-0123456789"
    settings.SECRET_KEY_FALLBACKS = [old_key]
    assert is_suppressed("Box@Example.org") is True
    assert list(EmailSuppression.objects.values_list("address_hash", "reason")) == [
        (address_hash(ADDRESS), "complained")
    ]


def test_migration_rekeys_rows_whose_address_a_signature_holds(client, br_petition, settings):
    from django.apps import apps

    migration = importlib.import_module("petitions.migrations.0011_hash_key_soft_bounces")
    sign(client, lang="en", slug=BR, email=ADDRESS)
    legacy = salted_hmac("petitions.suppression", ADDRESS).hexdigest()
    orphan = salted_hmac("petitions.suppression", "gone@example.org").hexdigest()
    EmailSuppression.objects.create(address_hash=legacy, reason="bounced")
    EmailSuppression.objects.create(address_hash=orphan, reason="complained")
    migration.create_key_and_rekey(apps, None)
    assert sorted(EmailSuppression.objects.values_list("address_hash", "reason")) == sorted(
        [(address_hash(ADDRESS), "bounced"), (orphan, "complained")]
    )


MALFORMED = [
    ("postmark", "{not json", "application/json"),
    ("postmark", json.dumps({"FromFull": {"Email": "from@example.org"}}), "application/json"),
    ("postmark", json.dumps({"RecordType": "Inbound"}), "application/json"),
    ("postmark", json.dumps({"RecordType": "Bounce", "Type": "HardBounce"}), "application/json"),
    ("postmark", json.dumps(["a", "list"]), "application/json"),
    ("postmark", b"\xff\xfe", "application/json"),
    ("brevo", json.dumps({"items": []}), "application/json"),
    ("brevo", json.dumps({"event": "no_such_event", "email": ADDRESS}), "application/json"),
    ("brevo", json.dumps("just a string"), "application/json"),
    ("mailjet", json.dumps([{"time": 1498093527}]), "application/json"),
    ("mailjet", json.dumps(42), "application/json"),
    ("mailgun", "{not json", "application/json"),
    ("mailgun", json.dumps(mailgun_signed({"recipient": ADDRESS})), "application/json"),
    (
        "mailgun",
        "recipient=test%40inbound.example.com&body-plain=hi",
        "application/x-www-form-urlencoded",
    ),
]


@pytest.mark.parametrize(("esp_name", "body", "content_type"), MALFORMED)
def test_malformed_payload_answers_400_and_changes_nothing(
    client, br_petition, esp, esp_name, body, content_type
):
    esp(esp_name)
    sign(client, lang="en", slug=BR, email=ADDRESS)
    response = post(client, esp_name, body, content_type=content_type)
    assert response.status_code == 400
    assert list(Signature.objects.values_list("email", flat=True)) == [ADDRESS]
    assert EmailSuppression.objects.count() == 0


@pytest.mark.parametrize("esp_name", ["postmark", "mailgun", "brevo", "mailjet"])
def test_a_get_answers_400_and_a_head_200(client, db, esp, esp_name):
    esp(esp_name)
    assert client.get(f"/anymail/{esp_name}/tracking/").status_code == 400
    assert client.head(f"/anymail/{esp_name}/tracking/").status_code == 200


def test_only_the_configured_esps_tracking_webhook_is_mounted(client, db, esp):
    esp("postmark")
    assert post(client, "postmark", COMPLAINTS["postmark"](ADDRESS)).status_code == 200
    for path in [
        "/anymail/mailgun/tracking/",
        "/anymail/postmark/inbound/",
        "/anymail/amazon_ses/tracking/",
        "/anymail/mandrill/",
    ]:
        assert client.post(path, "{}", content_type="application/json").status_code == 404
    esp("")
    assert post(client, "postmark", COMPLAINTS["postmark"](ADDRESS)).status_code == 404


def test_webhook_without_the_secret_is_refused(client, br_petition, esp):
    esp("postmark")
    sign(client, lang="en", slug=BR, email=ADDRESS)
    for auth in [None, "hooks:wrong"]:
        response = post(client, "postmark", HARD_BOUNCES["postmark"](ADDRESS), auth=auth)
        assert response.status_code == 400
    assert Signature.objects.count() == 1
    assert EmailSuppression.objects.count() == 0


@pytest.mark.filterwarnings("ignore::anymail.exceptions.AnymailInsecureWebhookWarning")
def test_events_are_ignored_when_no_webhook_secret_is_configured(client, br_petition, esp):
    esp("postmark", secret=None)
    sign(client, lang="en", slug=BR, email=ADDRESS)
    post(client, "postmark", HARD_BOUNCES["postmark"](ADDRESS), auth=None)
    assert Signature.objects.count() == 1
    assert EmailSuppression.objects.count() == 0
