"""Emails go through the task queue and are retried with backoff while the mail server is down."""

from __future__ import annotations

import logging

from django.core.mail import EmailMultiAlternatives
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from campaign.web.accounts import enqueue_prepared
from tests.mailserver import QUIET, SmtpServer, use_email_url
from tests.petitions.rights.test_rights import links, signed_and_confirmed

pytestmark = QUIET
BR = "tiremeurostodasuamira"


def fast_forward() -> None:
    """Make every waiting retry due now, as if its backoff delay had passed."""
    DBTaskResult.objects.filter(status=TaskResultStatus.READY).update(run_after=timezone.now())


def test_data_copy_and_new_links_emails_are_retried_until_the_mail_server_is_back(
    client, settings, br_petition, run_tasks
):
    _, message = signed_and_confirmed(client, run_tasks, email="lost@example.org")
    server = SmtpServer(mode="plain")
    use_email_url(settings, server.url("smtp", "?starttls=no"))
    assert client.post(links(message)["data"])["Location"] == f"/pt-br/{BR}/data-sent/"
    settings.SIGNER_LINK_MAX_AGE = -1
    page = client.get(links(message)["withdraw"]).content.decode()
    token = page.split('name="form_token" value="')[1].split('"')[0]
    settings.SIGNER_LINK_MAX_AGE = 3600
    response = client.post(
        f"/pt-br/{BR}/my-links/", {"email": "lost@example.org", "form_token": token}
    )
    assert response["Location"] == f"/pt-br/{BR}/links-sent/"

    assert run_tasks() == 2
    retries = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
    assert sorted((r.task_path, r.args_kwargs["kwargs"]["attempt"]) for r in retries) == [
        ("petitions.mail.tasks.send_data_copy_email", 2),
        ("petitions.mail.tasks.send_rights_links_email", 2),
    ]
    server.start()
    try:
        fast_forward()
        assert run_tasks() == 2
    finally:
        server.stop()
    assert [envelope.rcpt_tos for envelope in server.inbox.envelopes] == [
        ["lost@example.org"],
        ["lost@example.org"],
    ]


def test_prepared_email_is_sent_as_rendered(db, settings, run_tasks, mailoutbox):
    message = EmailMultiAlternatives(
        "Subject",
        "Text",
        "Petitions <petitions@example.org>",
        ["a@example.org"],
        reply_to=["help@example.org"],
        headers={"X-Kind": "test"},
    )
    message.attach_alternative("<p>HTML</p>", "text/html")
    enqueue_prepared(message, kind="account/email/test")
    assert mailoutbox == []
    assert run_tasks() == 1
    [sent] = mailoutbox
    assert (
        sent.subject,
        sent.body,
        sent.from_email,
        sent.to,
        sent.reply_to,
        sent.extra_headers,
        [tuple(alternative) for alternative in sent.alternatives],
    ) == (
        "Subject",
        "Text",
        "Petitions <petitions@example.org>",
        ["a@example.org"],
        ["help@example.org"],
        {"X-Kind": "test"},
        [("<p>HTML</p>", "text/html")],
    )


def test_prepared_email_gives_up_after_the_last_delay_and_logs_no_address_or_text(
    db, settings, run_tasks, caplog
):
    settings.EMAIL_RETRY_DELAYS = [10]
    use_email_url(settings, SmtpServer(mode="plain").url("smtp", "?starttls=no"))
    message = EmailMultiAlternatives(
        "Reset",
        "https://example.org/reset/SECRET-KEY/",
        "petitions@example.org",
        ["who@example.org"],
    )
    enqueue_prepared(message, kind="account/email/password_reset_key")
    with caplog.at_level(logging.WARNING, logger="campaign.core.mailer"):
        assert run_tasks() == 1
        fast_forward()
        assert run_tasks() == 1
        assert run_tasks() == 0
    assert [
        record.getMessage() for record in caplog.records if record.name == "campaign.core.mailer"
    ] == [
        "Sending account/email/password_reset_key failed (attempt 1); retrying later",
        "Giving up on account/email/password_reset_key after 2 attempt(s)",
    ]
    assert "who@example.org" not in caplog.text and "SECRET-KEY" not in caplog.text
    assert list(DBTaskResult.objects.order_by("enqueued_at").values_list("status", flat=True)) == [
        TaskResultStatus.SUCCESSFUL,
        TaskResultStatus.FAILED,
    ]
