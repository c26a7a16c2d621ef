"""A real SMTP server on a free loopback port (aiosmtpd) that requires a user and password.

Modes: ``plain`` (AUTH over an unencrypted connection), ``starttls`` (AUTH only after
STARTTLS) and ``smtps`` (TLS from the first byte), the last two with a throwaway self-signed
certificate for 127.0.0.1 that the test makes the client trust through SSL_CERT_FILE.
"""

from __future__ import annotations

import datetime
import ipaddress
import socket
import ssl
from email import message_from_bytes, policy
from email.message import Message
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

HOST = "127.0.0.1"
USER = "mailer@example.org"
# Characters that must be percent-encoded in EMAIL_URL and decoded again.
PASSWORD = "p@ss/w:rd%?#"
QUOTED_PASSWORD = "p%40ss%2Fw%3Ard%25%3F%23"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def make_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate and key for 127.0.0.1, valid for a day."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, HOST)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(HOST))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "smtp-cert.pem", folder / "smtp-key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


class Inbox:
    """aiosmtpd handler that keeps each accepted message with its envelope."""

    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted"

    @property
    def messages(self) -> list[Message]:
        return [
            message_from_bytes(envelope.original_content, policy=policy.default)
            for envelope in self.envelopes
        ]


def authenticate(server, session, envelope, mechanism, auth_data) -> AuthResult:
    valid = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
        USER.encode(),
        PASSWORD.encode(),
    )
    return AuthResult(success=valid, handled=False)


# The plain and smtps modes log in without STARTTLS, which aiosmtpd warns about per connection.
QUIET = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")


class SmtpServer:
    """One server on a fixed free port; start() and stop() may be called again and again."""

    def __init__(self, *, mode: str = "plain", certificate: tuple[Path, Path] | None = None):
        self.mode = mode
        self.port = free_port()
        self.inbox = Inbox()
        self.controller: Controller | None = None
        self.tls = None
        if mode != "plain":
            self.tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            self.tls.load_cert_chain(*certificate)

    def start(self) -> None:
        # aiosmtpd counts only STARTTLS as TLS; an smtps connection is encrypted from the start.
        options = {
            "authenticator": authenticate,
            "auth_required": True,
            "auth_require_tls": self.mode == "starttls",
        }
        if self.mode == "starttls":
            options.update(tls_context=self.tls, require_starttls=True)
        elif self.mode == "smtps":
            options.update(ssl_context=self.tls)
        self.controller = Controller(self.inbox, hostname=HOST, port=self.port, **options)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def url(self, scheme: str = "smtp", options: str = "") -> str:
        return (
            f"{scheme}://{USER.replace('@', '%40')}:{QUOTED_PASSWORD}@{HOST}:{self.port}{options}"
        )


def use_email_url(settings, url: str) -> None:
    """Point Django's mail settings at EMAIL_URL as settings.py does."""
    from campaign.conf.mail_settings import mail_transport

    transport = mail_transport(email_url=url, esp="")
    settings.EMAIL_BACKEND = transport.backend
    settings.EMAIL_HOST = transport.host
    settings.EMAIL_PORT = transport.port
    settings.EMAIL_HOST_USER = transport.username
    settings.EMAIL_HOST_PASSWORD = transport.password
    settings.EMAIL_USE_TLS = transport.use_tls
    settings.EMAIL_USE_SSL = transport.use_ssl
    settings.EMAIL_TIMEOUT = transport.timeout
