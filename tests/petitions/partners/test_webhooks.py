import hashlib
import hmac
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from petitions.models import Signature, WebhookDelivery, WebhookStatus
from petitions.partners import webhooks
from petitions.partners.tasks import deliver_webhook
from tests import factories
from tests.campaign.organize.conftest import login
from tests.petitions.helpers import sign
from tests.petitions.widget_helpers import confirm_all, make_partner, widget_sign

BR = "tiremeurostodasuamira"


class Receiver:
    """A local webhook endpoint that answers 500 to its first ``failures`` requests, or
    redirects every request to ``redirect_to``; it records every request, GET included."""

    def __init__(self, failures: int = 0, redirect_to: str = ""):
        self.failures = failures
        self.requests: list[tuple[dict, bytes]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.requests.append((dict(self.headers), body))
                if redirect_to:
                    self.send_response(302)
                    self.send_header("Location", redirect_to)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                failed = len(receiver.requests) <= receiver.failures
                self.send_response(500 if failed else 204)
                self.send_header("Content-Length", "20")
                self.end_headers()
                self.wfile.write(b"internal-secret-body")

            do_GET = do_POST

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receivers(settings):
    """Local receivers; loopback counts as public for them unless ``allowed=False``."""
    started = []

    def start(failures: int = 0, *, redirect_to: str = "", allowed: bool = True) -> Receiver:
        settings.WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.0/8"] if allowed else []
        started.append(Receiver(failures, redirect_to))
        return started[-1]

    yield start
    for receiver in started:
        receiver.stop()


@pytest.fixture(autouse=True)
def _no_backoff(settings):
    settings.WEBHOOK_RETRY_DELAYS = [0, 0, 0]


def verify(secret: str, headers: dict, body: bytes) -> bool:
    signed = headers["X-Webhook-Timestamp"].encode() + b"." + body
    expected = "sha256=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, headers["X-Signature"])


def test_webhook_sends_exactly_the_partners_opted_in_signers(
    client, br_petition, run_tasks, receivers
):
    ours_hook, theirs_hook = receivers(), receivers()
    ours = make_partner(br_petition, "Ours", domains=["ours.example"], webhook_url=ours_hook.url)
    theirs = make_partner(
        br_petition, "Theirs", domains=["theirs.example"], webhook_url=theirs_hook.url
    )
    widget_sign(
        client,
        BR,
        ours.key,
        name="Ana Maria Souza",
        email="a@example.org",
        partner_opt_in="on",
        postal_code="01310-100",
        origin="https://ours.example",
        source="newsletter",
    )
    widget_sign(client, BR, ours.key, email="no-optin@example.org")
    widget_sign(client, BR, theirs.key, email="d@example.org", partner_opt_in="on")
    sign(client, lang="en", slug=BR, email="main@example.org", updates_opt_in="on")
    confirm_all(client, run_tasks)
    assert run_tasks() == 2  # one delivery per opted-in, confirmed signer

    ((headers, body),) = ours_hook.requests
    assert verify(ours.partner.webhook_secret, headers, body)
    assert not verify(theirs.partner.webhook_secret, headers, body)
    signature = Signature.objects.get(email="a@example.org")
    delivery = WebhookDelivery.objects.get(partner=ours.partner)
    assert headers["X-Webhook-Id"] == str(delivery.event_id)
    assert json.loads(body) == {
        "id": str(delivery.event_id),
        "type": "signature.confirmed",
        "petition": {
            "identifiers": [f"campaign:{BR}"],
            "title": br_petition.campaign.translations.get(language="en").title,
            "browser_url": f"http://testserver/en/{BR}/",
        },
        "person": {
            "given_name": "Ana Maria",
            "family_name": "Souza",
            "email_addresses": [{"address": "a@example.org", "primary": True}],
            "postal_addresses": [{"country": "BR", "region": "BR-SP", "postal_code": "01310-100"}],
            "languages_spoken": ["en"],
            "custom_fields": {"full_name": "Ana Maria Souza"},
        },
        "signature": {
            "identifiers": [f"campaign:{signature.public_id}"],
            "created_date": signature.created_at.isoformat(),
            "modified_date": signature.confirmed_at.isoformat(),
            "referrer_data": {
                "source": "newsletter",
                "referrer": "",
                "website": "https://ours.example",
            },
        },
        "partner_consent": True,
    }
    ((_, their_body),) = theirs_hook.requests
    assert json.loads(their_body)["person"]["email_addresses"] == [
        {"address": "d@example.org", "primary": True}
    ]


def test_webhook_retries_after_failures_and_stops_once_delivered(
    client, br_petition, run_tasks, receivers
):
    hook = receivers(failures=2)
    widget = make_partner(br_petition, "Ours", domains=["ours.example"], webhook_url=hook.url)
    widget_sign(client, BR, widget.key, email="a@example.org", partner_opt_in="on")
    confirm_all(client, run_tasks)

    assert run_tasks() == 3  # fails, fails, succeeds; each failure re-enqueues with run_after
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (
        WebhookStatus.DELIVERED,
        3,
        204,
    )
    assert delivery.delivered_at is not None
    # A stray duplicate of the task (a worker crash after the POST, say) sends nothing more.
    deliver_webhook.enqueue(delivery_id=delivery.pk)
    assert run_tasks() == 1
    assert len(hook.requests) == 3
    bodies = {body for _, body in hook.requests}
    event_ids = {headers["X-Webhook-Id"] for headers, _ in hook.requests}
    assert (len(bodies), event_ids) == (1, {str(delivery.event_id)})
    for headers, body in hook.requests:
        assert verify(widget.partner.webhook_secret, headers, body)
    # Confirming again (a second click) queues no second delivery.
    confirm_all(client, run_tasks)
    assert WebhookDelivery.objects.count() == 1


def test_webhook_gives_up_after_the_last_retry(client, br_petition, run_tasks, receivers):
    hook = receivers(failures=100)
    widget = make_partner(br_petition, "Ours", domains=["ours.example"], webhook_url=hook.url)
    widget_sign(client, BR, widget.key, email="a@example.org", partner_opt_in="on")
    confirm_all(client, run_tasks)
    assert run_tasks() == 4  # the first try and three retries
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_error) == (
        WebhookStatus.FAILED,
        4,
        "HTTP 500",
    )


def test_partner_sees_its_delivery_log(client, br_petition, run_tasks, receivers):
    hook = receivers()
    widget = make_partner(br_petition, "Ours", domains=["ours.example"], webhook_url=hook.url)
    widget_sign(client, BR, widget.key, email="a@example.org", partner_opt_in="on")
    confirm_all(client, run_tasks)
    run_tasks()
    user = factories.partner_member(partner=widget.partner, email="m@example.org")
    login(client, user)
    response = client.get(f"/partner/{widget.partner.pk}/")
    delivery = WebhookDelivery.objects.get()
    assert list(response.context["deliveries"]) == [delivery]
    assert str(delivery.event_id) in response.content.decode()


class GuardedSocket(socket.socket):
    """Records every outgoing connection and lets only loopback ones through, so a test can
    prove that nothing was attempted, and no test ever reaches beyond this machine."""

    attempts: list = []

    def connect(self, address):
        GuardedSocket.attempts.append(address[0])
        if address[0] not in ("127.0.0.1", "::1"):
            raise ConnectionRefusedError("test: no traffic beyond loopback")
        return super().connect(address)


@pytest.fixture
def guarded_sockets(monkeypatch):
    GuardedSocket.attempts = []
    monkeypatch.setattr(socket, "socket", GuardedSocket)
    return GuardedSocket.attempts


def resolve_to(monkeypatch, address: str) -> None:
    """Make partner host names (``*.partner.example``) resolve to ``address``."""
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if not str(host).endswith(".partner.example"):
            return real(host, port, *args, **kwargs)
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        sockaddr = (address, port, 0, 0) if ":" in address else (address, port)
        return [(family, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", sockaddr)]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "192.168.0.10",
        "169.254.169.254",
        "100.64.0.1",
        "::1",
        "::ffff:127.0.0.1",
        "fd00::1",
        "fe80::1",
        "64:ff9b::a9fe:a9fe",
        "0.0.0.0",
    ],
)
def test_webhook_to_an_internal_address_is_refused_without_connecting(
    client, br_petition, run_tasks, receivers, guarded_sockets, monkeypatch, address
):
    hook = receivers(allowed=False)
    port = hook.server.server_address[1]
    resolve_to(monkeypatch, address)
    widget = make_partner(
        br_petition,
        "Ours",
        domains=["ours.example"],
        webhook_url=f"http://hooks.partner.example:{port}/hook",
    )
    widget_sign(client, BR, widget.key, email="a@example.org", partner_opt_in="on")
    confirm_all(client, run_tasks)
    run_tasks()
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.last_status_code, delivery.last_error) == (
        WebhookStatus.FAILED,
        None,
        "refused: not a public address",
    )
    assert (hook.requests, guarded_sockets) == ([], [])


def test_webhook_to_a_loopback_ip_literal_is_refused(
    client, br_petition, run_tasks, receivers, guarded_sockets
):
    hook = receivers(allowed=False)
    widget = make_partner(br_petition, "Ours", domains=["ours.example"], webhook_url=hook.url)
    widget_sign(client, BR, widget.key, email="a@example.org", partner_opt_in="on")
    confirm_all(client, run_tasks)
    run_tasks()
    delivery = WebhookDelivery.objects.get()
    assert (delivery.last_status_code, delivery.last_error) == (
        None,
        "refused: not a public address",
    )
    assert (hook.requests, guarded_sockets) == ([], [])


def test_webhook_does_not_follow_a_redirect(
    client, br_petition, run_tasks, receivers, guarded_sockets
):
    inside = receivers()
    # The "public" receiver (loopback is allowed here) redirects to an address inside.
    hook = receivers(redirect_to=inside.url)
    widget = make_partner(br_petition, "Ours", domains=["ours.example"], webhook_url=hook.url)
    widget_sign(client, BR, widget.key, email="a@example.org", partner_opt_in="on")
    confirm_all(client, run_tasks)
    run_tasks()
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.last_status_code, delivery.last_error) == (
        WebhookStatus.FAILED,
        302,
        "HTTP 302",
    )
    # Each of the four attempts connected once, to the first receiver only.
    assert (len(hook.requests), inside.requests, guarded_sockets) == (4, [], ["127.0.0.1"] * 4)


def test_partner_dashboard_shows_no_detail_of_an_internal_target(
    client, br_petition, run_tasks, receivers
):
    hook = receivers(failures=100, allowed=False)
    widget = make_partner(br_petition, "Ours", domains=["ours.example"], webhook_url=hook.url)
    widget_sign(client, BR, widget.key, email="a@example.org", partner_opt_in="on")
    confirm_all(client, run_tasks)
    run_tasks()
    user = factories.partner_member(partner=widget.partner, email="m@example.org")
    login(client, user)
    page = client.get(f"/partner/{widget.partner.pk}/").content.decode()
    assert "refused: not a public address" in page
    for detail in ("500", "internal-secret-body"):
        assert detail not in page
    assert hook.requests == []


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.215.14", True),
        ("2a00:1450:4001:80b::200e", True),
        ("127.0.0.1", False),
        ("10.0.0.1", False),
        ("172.16.5.4", False),
        ("169.254.169.254", False),
        ("::1", False),
        ("::ffff:10.0.0.1", False),
        ("fe80::1%eth0", False),
        ("224.0.0.1", False),
    ],
)
def test_is_public_address(settings, address, public):
    settings.WEBHOOK_ALLOWED_NETWORKS = []
    assert webhooks.is_public_address(address) is public
