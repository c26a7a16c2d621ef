import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from petitions.models import Signature, WebhookDelivery, WebhookStatus
from petitions.tasks import deliver_webhook
from tests.organize.conftest import login, make_user
from tests.petitions.helpers import sign
from tests.petitions.widget_helpers import confirm_all, make_partner, widget_sign

BR = "tiremeurostodasuamira"


class Receiver:
    """A local webhook endpoint that answers 500 to its first ``failures`` requests."""

    def __init__(self, failures: int = 0):
        self.failures = failures
        self.requests: list[tuple[dict, bytes]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append((dict(self.headers), body))
                failed = len(receiver.requests) <= receiver.failures
                self.send_response(500 if failed else 204)
                self.end_headers()

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
def receivers():
    started = []

    def start(failures: int = 0) -> Receiver:
        started.append(Receiver(failures))
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

    from campaign.models import PartnerMembership

    hook = receivers()
    widget = make_partner(br_petition, "Ours", domains=["ours.example"], webhook_url=hook.url)
    widget_sign(client, BR, widget.key, email="a@example.org", partner_opt_in="on")
    confirm_all(client, run_tasks)
    run_tasks()
    user = make_user("m@example.org")
    PartnerMembership.objects.create(user=user, partner=widget.partner)
    login(client, user)
    response = client.get(f"/partner/{widget.partner.pk}/")
    delivery = WebhookDelivery.objects.get()
    assert list(response.context["deliveries"]) == [delivery]
    assert str(delivery.event_id) in response.content.decode()
