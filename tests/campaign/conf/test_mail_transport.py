"""EMAIL_URL, EMAIL_ESP and ANYMAIL_* from the environment, and sending through a real SMTP server."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from email.utils import getaddresses

import pytest
from django.core.exceptions import ImproperlyConfigured

from campaign.conf.mail_settings import (
    CONSOLE_BACKEND,
    SMTP_BACKEND,
    MailTransport,
    anymail_settings,
    mail_transport,
    supported_esps,
)
from tests.mailserver import QUIET, SmtpServer, make_certificate, use_email_url
from tests.petitions.helpers import sign

pytestmark = QUIET
BR = "tiremeurostodasuamira"


@pytest.mark.parametrize(
    ("url", "transport"),
    [
        (
            "smtp://user:pass@mail.example.org:587",
            MailTransport(SMTP_BACKEND, "mail.example.org", 587, "user", "pass", True, False, 30.0),
        ),
        (
            "smtps://user:pass@mail.example.org:465",
            MailTransport(SMTP_BACKEND, "mail.example.org", 465, "user", "pass", False, True, 30.0),
        ),
        (
            "smtp://relay.internal:25",
            MailTransport(SMTP_BACKEND, "relay.internal", 25, "", "", False, False, 30.0),
        ),
        (
            "smtp://me%40example.org:p%40ss%2Fw%3Ard@mail.example.org?timeout=7.5",
            MailTransport(
                SMTP_BACKEND,
                "mail.example.org",
                587,
                "me@example.org",
                "p@ss/w:rd",
                True,
                False,
                7.5,
            ),
        ),
        (
            "smtps://u:p@mail.example.org",
            MailTransport(SMTP_BACKEND, "mail.example.org", 465, "u", "p", False, True, 30.0),
        ),
        (
            "smtp://u:p@127.0.0.1:1025?starttls=no",
            MailTransport(SMTP_BACKEND, "127.0.0.1", 1025, "u", "p", False, False, 30.0),
        ),
        (
            "SMTP://relay.internal:25/?starttls=yes",
            MailTransport(SMTP_BACKEND, "relay.internal", 25, "", "", True, False, 30.0),
        ),
        ("console://", MailTransport(CONSOLE_BACKEND)),
        ("", MailTransport(CONSOLE_BACKEND)),
    ],
)
def test_mail_transport_reads_email_url(url, transport):
    assert mail_transport(email_url=url, esp="") == transport


@pytest.mark.parametrize(
    ("url", "error"),
    [
        (
            "http://user:secret@mail.example.org",
            "EMAIL_URL must be smtp://user:password@host:587 (STARTTLS), smtps://user:password@host:465 "
            "(TLS), smtp://host:25 (plain) or console://; its scheme 'http' is none of these.",
        ),
        (
            "mail.example.org:587",
            "EMAIL_URL must be smtp://user:password@host:587 (STARTTLS), smtps://user:password@host:465 "
            "(TLS), smtp://host:25 (plain) or console://; its scheme 'mail.example.org' is none of these.",
        ),
        (
            "smtp://user:secret@mail.example.org:notaport",
            "EMAIL_URL is not a valid URL (Port could not be cast to integer value as 'notaport').",
        ),
        (
            "smtp://user:secret@",
            "EMAIL_URL has no host; use smtp://user:password@host:587 (STARTTLS), "
            "smtps://user:password@host:465 (TLS), smtp://host:25 (plain) or console://.",
        ),
        (
            "smtp://user@mail.example.org",
            "EMAIL_URL needs both a user and a password, or neither (percent-encode characters "
            "such as @ : / in them).",
        ),
        (
            "smtp://user:secret@mail.example.org?tls=1",
            "EMAIL_URL has unknown options tls; it takes timeout and starttls.",
        ),
        (
            "smtp://user:secret@mail.example.org?timeout=soon",
            "EMAIL_URL's timeout option must be a number of seconds > 0.",
        ),
        (
            "smtp://user:secret@mail.example.org?starttls=maybe",
            "EMAIL_URL's starttls option must be yes or no.",
        ),
        (
            "smtps://user:secret@mail.example.org?starttls=yes",
            "EMAIL_URL with smtps:// is TLS already; starttls is for smtp:// only.",
        ),
        (
            "smtp://user:secret@mail.example.org/inbox",
            "EMAIL_URL takes no path after the host and port.",
        ),
        ("console://localhost", "EMAIL_URL=console:// takes no host, path or options."),
    ],
)
def test_mail_transport_rejects_other_email_urls_without_quoting_the_password(url, error):
    with pytest.raises(ImproperlyConfigured) as raised:
        mail_transport(email_url=url, esp="")
    assert str(raised.value) == error
    assert "secret" not in str(raised.value)


def test_mail_transport_refuses_email_url_together_with_an_esp():
    with pytest.raises(ImproperlyConfigured) as raised:
        mail_transport(email_url="smtp://u:p@mail.example.org", esp="postmark")
    assert str(raised.value) == (
        "Set either EMAIL_URL (an SMTP server) or EMAIL_ESP (an anymail ESP), not both."
    )


def test_mail_transport_takes_an_anymail_esp_and_names_the_supported_ones_for_a_wrong_one():
    assert mail_transport(email_url="", esp="postmark") == MailTransport(
        "anymail.backends.postmark.EmailBackend"
    )
    with pytest.raises(ImproperlyConfigured) as raised:
        mail_transport(email_url="", esp="base")
    assert str(raised.value) == (
        "EMAIL_ESP='base' is not an anymail ESP; use one of amazon_ses, brevo, mailersend, "
        "mailgun, mailjet, mailtrap, mandrill, postal, postmark, resend, scaleway, sparkpost, "
        "unisender_go."
    )


def test_readme_lists_exactly_the_esps_the_installed_anymail_supports():
    from django.conf import settings

    readme = (settings.BASE_DIR / "README.md").read_text()
    [row] = [line for line in readme.splitlines() if line.startswith("| `EMAIL_ESP` |")]
    assert "sendgrid" not in row
    listed = re.findall(r"`([a-z_]+)`", row.split("an anymail ESP:")[1])
    assert listed == supported_esps()


def test_anymail_settings_decode_json_values_and_keep_strings():
    environ = {
        "ANYMAIL_SEND_DEFAULTS": '{"tags": ["petition"], "track_clicks": false}',
        "ANYMAIL_POSTMARK_SEND_DEFAULTS": '{"esp_extra": {"MessageStream": "outbound"}}',
        "ANYMAIL_IGNORE_UNSUPPORTED_FEATURES": "true",
        "ANYMAIL_DEBUG_API_REQUESTS": "False",
        "ANYMAIL_REQUESTS_TIMEOUT": "[3.5, 20]",
        "ANYMAIL_AMAZON_SES_CLIENT_PARAMS": '{"region_name": "eu-west-1"}',
        "ANYMAIL_POSTMARK_SERVER_TOKEN": "1234-abcd",
        "ANYMAIL_WEBHOOK_SECRET": "user:pa{ss",
        "ANYMAIL_MAILGUN_API_KEY": "12345",
        "DJANGO_SETTINGS_MODULE": "campaign.settings",
    }
    assert anymail_settings(environ) == {
        "SEND_DEFAULTS": {"tags": ["petition"], "track_clicks": False},
        "POSTMARK_SEND_DEFAULTS": {"esp_extra": {"MessageStream": "outbound"}},
        "IGNORE_UNSUPPORTED_FEATURES": True,
        "DEBUG_API_REQUESTS": False,
        "REQUESTS_TIMEOUT": [3.5, 20],
        "AMAZON_SES_CLIENT_PARAMS": {"region_name": "eu-west-1"},
        "POSTMARK_SERVER_TOKEN": "1234-abcd",
        "WEBHOOK_SECRET": "user:pa{ss",
        "MAILGUN_API_KEY": "12345",
    }


@pytest.mark.parametrize(
    ("name", "value", "error"),
    [
        (
            "ANYMAIL_SEND_DEFAULTS",
            "{'tags': ['petition']}",
            "ANYMAIL_SEND_DEFAULTS is not valid JSON (Expecting property name enclosed in "
            "double quotes: line 1 column 2 (char 1)).",
        ),
        (
            "ANYMAIL_MAILGUN_SEND_DEFAULTS",
            "tags=petition",
            "ANYMAIL_MAILGUN_SEND_DEFAULTS is not valid JSON (Expecting value: line 1 column 1 "
            "(char 0)).",
        ),
        (
            "ANYMAIL_SEND_DEFAULTS",
            '["petition"]',
            'ANYMAIL_SEND_DEFAULTS must be a JSON object, e.g. {"tags": ["petition"]}.',
        ),
        (
            "ANYMAIL_ESP_EXTRA",
            '{"a": 1 "b": 2}',
            "ANYMAIL_ESP_EXTRA is not valid JSON (Expecting ',' delimiter: line 1 column 9 "
            "(char 8)).",
        ),
    ],
)
def test_anymail_settings_name_the_variable_whose_json_is_invalid(name, value, error):
    with pytest.raises(ImproperlyConfigured) as raised:
        anymail_settings({name: value})
    assert str(raised.value) == error


def load_settings(**environ) -> subprocess.CompletedProcess:
    """Import campaign.settings in a fresh interpreter with these variables; print mail settings."""
    env = {
        key: value for key, value in os.environ.items() if not key.startswith(("EMAIL", "ANYMAIL"))
    }
    code = (
        "from campaign import settings as s; "
        "print(s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_USE_TLS, s.EMAIL_USE_SSL, "
        "s.EMAIL_HOST_USER, s.EMAIL_HOST_PASSWORD, s.EMAIL_TIMEOUT, s.ANYMAIL)"
    )
    return subprocess.run(
        [sys.executable, "-c", code], env={**env, **environ}, capture_output=True, text=True
    )


def test_settings_read_email_url_and_anymail_json_from_the_environment():
    smtp = load_settings(EMAIL_URL="smtps://me%40example.org:p%40ss@mail.example.org")
    assert smtp.stdout == (
        "django.core.mail.backends.smtp.EmailBackend mail.example.org 465 False True "
        "me@example.org p@ss 30.0 {}\n"
    )
    esp = load_settings(EMAIL_ESP="postmark", ANYMAIL_SEND_DEFAULTS='{"tags": ["petition"]}')
    assert esp.stdout == (
        "anymail.backends.postmark.EmailBackend localhost 25 False False   None "
        "{'SEND_DEFAULTS': {'tags': ['petition']}}\n"
    )


def test_settings_refuse_email_url_and_email_esp_together():
    result = load_settings(EMAIL_URL="smtp://u:p@mail.example.org", EMAIL_ESP="postmark")
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == (
        "django.core.exceptions.ImproperlyConfigured: Set either EMAIL_URL (an SMTP server) "
        "or EMAIL_ESP (an anymail ESP), not both."
    )


@pytest.fixture
def certificate(tmp_path, monkeypatch):
    """A throwaway self-signed certificate, trusted by this process's TLS clients."""
    cert_path, key_path = make_certificate(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert_path))
    return cert_path, key_path


@pytest.mark.parametrize(
    ("mode", "scheme", "options"),
    [("plain", "smtp", "?starttls=no"), ("starttls", "smtp", ""), ("smtps", "smtps", "")],
)
def test_confirmation_email_arrives_at_an_smtp_server_that_requires_a_login(
    client, settings, campaigns, run_tasks, certificate, mode, scheme, options
):
    server = SmtpServer(mode=mode, certificate=certificate)
    server.start()
    try:
        use_email_url(settings, server.url(scheme, options))
        response = sign(client, lang="pt-br", slug=BR, email="ana@example.org")
        assert response["Location"] == f"/pt-br/{BR}/check-email/"
        assert server.inbox.envelopes == []  # the worker sends, not the request
        assert run_tasks() == 1
    finally:
        server.stop()
    [envelope] = server.inbox.envelopes
    assert (envelope.mail_from, envelope.rcpt_tos) == ("petitions@example.org", ["ana@example.org"])
    [message] = server.inbox.messages
    assert getaddresses([message["From"], message["To"]]) == [
        ("Petitions", "petitions@example.org"),
        ("", "ana@example.org"),
    ]


def test_smtp_server_refuses_a_wrong_password(settings):
    """Guards the fixture: the server really checks the login the URL carries."""
    import smtplib

    from django.core.mail import send_mail

    server = SmtpServer(mode="plain")
    server.start()
    try:
        use_email_url(settings, server.url("smtp", "?starttls=no").replace("p%40ss", "wrong"))
        with pytest.raises(smtplib.SMTPAuthenticationError):
            send_mail("Hi", "Hello", "petitions@example.org", ["ana@example.org"])
    finally:
        server.stop()
    assert server.inbox.envelopes == []
