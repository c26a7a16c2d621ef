"""With the mail server down, no page that sends an email fails; the emails follow once it is back."""

from __future__ import annotations

from django.test import Client
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from tests.campaign.organize.conftest import BR, EU, PASSWORD, login
from tests.mailserver import QUIET, SmtpServer, use_email_url
from tests.petitions.helpers import sign

pytestmark = QUIET


def test_pages_that_send_email_answer_while_the_mail_server_is_down_and_mail_once_back(
    client, settings, cast, run_tasks
):
    server = SmtpServer(mode="plain")  # not started yet: every connection is refused
    use_email_url(settings, server.url("smtp", "?starttls=no"))
    settings.ACCOUNT_SIGNUP_OPEN = True

    response = Client().post(
        "/accounts/password/reset/", {"email": "viewer@example.org"}, HTTP_ACCEPT_LANGUAGE="de"
    )
    assert (response.status_code, response["Location"]) == (302, "/accounts/password/reset/done/")
    response = Client().post(
        "/accounts/signup/",
        {"email": "outage.signup@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert (response.status_code, response["Location"]) == (302, "/accounts/confirm-email/")
    login(client, cast["owner"])
    response = client.post(
        f"/organize/{EU}/members/", {"email": "new@example.org", "role": "viewer"}
    )
    assert (response.status_code, response["Location"]) == (302, f"/organize/{EU}/members/")
    response = sign(Client(), lang="pt-br", slug=BR, email="signer@example.org")
    assert (response.status_code, response["Location"]) == (303, f"/pt-br/{BR}/check-email/")

    # The worker tries each email once, fails, and queues it again for later.
    assert run_tasks() == 4
    assert server.inbox.envelopes == []
    waiting = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
    assert (waiting.count(), DBTaskResult.objects.ready().count()) == (4, 0)

    server.start()
    try:
        waiting.update(run_after=timezone.now())  # as if the first backoff delay had passed
        assert run_tasks() == 4
        assert run_tasks() == 0
    finally:
        server.stop()
    # Each arrives exactly once, in the language of the request that asked for it.
    assert sorted((m["To"], m["Subject"]) for m in server.inbox.messages) == [
        ("new@example.org", "You are invited to organize #BanFacialRecognitionEU"),
        ("outage.signup@example.org", "Please Confirm Your Email Address"),
        ("signer@example.org", "Confirme sua assinatura para #Tiremeurostodasuamira"),
        ("viewer@example.org", "E-Mail zum Zurücksetzen des Passworts"),
    ]
