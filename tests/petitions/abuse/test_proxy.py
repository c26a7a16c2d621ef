"""Client addresses behind the reverse proxies of docs/DEPLOYMENT.md, and the mismatch warnings."""

from __future__ import annotations

import http.client
import http.server
import re
import threading
import time
import urllib.parse
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core import mail
from django.db import transaction
from django.test import RequestFactory

from campaign.web import http as web
from petitions.abuse import throttle
from petitions.checks import check_trusted_proxy_count
from petitions.models import HeldReason, Signature
from petitions.reporting.counting import petition_counts
from tests.conftest import confirm_link, run_queued_tasks
from tests.petitions.helpers import TOKEN

EU = "banfacialrecognitioneu"
DEPLOYMENT = Path(__file__).resolve().parents[3] / "docs" / "DEPLOYMENT.md"
HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "te", "trailer", "upgrade"}


def guide_count(proxy: str) -> int:
    """The TRUSTED_PROXY_COUNT the deployment guide gives next to a proxy's example."""
    match = re.search(rf"^{proxy}\b.*?`TRUSTED_PROXY_COUNT=(\d+)`", DEPLOYMENT.read_text(), re.M)
    assert match, f"docs/DEPLOYMENT.md gives no TRUSTED_PROXY_COUNT for {proxy}"
    return int(match.group(1))


class AppendingProxy(http.server.BaseHTTPRequestHandler):
    """Forwards to the live server and appends to X-Forwarded-For exactly as nginx's
    `proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for` does."""

    def forward(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        headers = {
            name: value
            for name, value in self.headers.items()
            if name.lower() not in HOP_BY_HOP and name.lower() != "x-forwarded-for"
        }
        sent = ", ".join(self.headers.get_all("X-Forwarded-For", []))
        seen = self.client_address[0]
        headers["X-Forwarded-For"] = f"{sent}, {seen}" if sent else seen
        upstream = http.client.HTTPConnection(*self.server.upstream, timeout=30)
        upstream.request(self.command, self.path, body=body or None, headers=headers)
        answer = upstream.getresponse()
        payload = answer.read()
        upstream.close()
        self.send_response(answer.status)
        for name, value in answer.getheaders():
            if name.lower() not in HOP_BY_HOP | {"content-length", "transfer-encoding"}:
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = forward

    def log_message(self, format, *args) -> None:  # no access log with client addresses
        pass


@pytest.fixture
def proxy(live_server):
    upstream = urllib.parse.urlsplit(live_server.url)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), AppendingProxy)
    server.upstream = (upstream.hostname, upstream.port)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


@pytest.fixture
def rate_clock_held_still(monkeypatch):
    """A rate window ending mid-test would split one client's signatures over two counters."""
    now = time.time()
    monkeypatch.setattr(throttle, "time", SimpleNamespace(time=lambda: now))


def through(port: int, method: str, path: str, *, source: str, body: str = "", headers=None):
    """One request to the proxy from the loopback address ``source``: (status, headers, text)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, source_address=(source, 0))
    request_headers = dict(headers or {})
    if method == "POST":
        request_headers["Content-Type"] = "application/x-www-form-urlencoded"
    connection.request(method, path, body=body.encode() or None, headers=request_headers)
    answer = connection.getresponse()
    text = answer.read().decode()
    connection.close()
    return answer.status, answer.headers, text


def sign_through(port: int, *, source: str, email: str, forged: str | None = None):
    headers = {"X-Forwarded-For": forged} if forged else {}
    status, _, page = through(port, "GET", f"/en/{EU}/", source=source, headers=headers)
    assert status == 200
    fields = {
        "name": "Ana Proxy",
        "email": email,
        "country": "DE",
        "privacy_consent": "on",
        "form_token": TOKEN.search(page).group(1),
    }
    status, answer_headers, _ = through(
        port,
        "POST",
        f"/en/{EU}/sign/",
        source=source,
        body=urllib.parse.urlencode(fields),
        headers=headers,
    )
    return status, answer_headers["Location"]


def test_signers_behind_the_documented_nginx_each_count_and_a_forger_is_one_address(
    proxy, campaigns, settings, rate_clock_held_still
):
    assert "X-Forwarded-For $proxy_add_x_forwarded_for;" in DEPLOYMENT.read_text()
    settings.TRUSTED_PROXY_COUNT = guide_count("nginx")
    settings.RATE_LIMIT_IP = "3/600"
    settings.RATE_LIMIT_DOMAIN = "1000/600"
    petition = campaigns[EU].petition
    sources = [f"127.0.0.{n}" for n in range(2, 14)]
    emails = [f"signer{n}@example.org" for n in range(2, 14)]
    answers = [
        sign_through(proxy, source=source, email=email)
        for source, email in zip(sources, emails, strict=True)
    ]
    with transaction.atomic():  # the queue claims tasks with SELECT ... FOR UPDATE
        assert run_queued_tasks() == 12
    links = {message.to[0]: confirm_link(message) for message in mail.outbox}
    confirmations = [
        through(proxy, "POST", urllib.parse.urlsplit(links[email]).path, source=source)
        for email, source in zip(emails, sources, strict=True)
    ]

    assert answers == [(303, f"/en/{EU}/check-email/")] * 12
    assert sorted(message.to[0] for message in mail.outbox) == sorted(emails)
    assert [(status, headers["Location"]) for status, headers, _ in confirmations] == [
        (303, f"/en/{EU}/thanks/")
    ] * 12
    signatures = Signature.objects.filter(email__in=emails)
    assert sorted(signatures.values_list("held_reason", flat=True)) == [""] * 12
    assert len(set(signatures.values_list("ip_hash", flat=True))) == 12
    assert petition_counts(petition_id=petition.pk).total == 12

    # One client forging a new X-Forwarded-For each time is still one address to the limit.
    forged = [
        sign_through(
            proxy, source="127.0.0.14", email=f"forger{n}@example.org", forged=f"198.51.100.{n}"
        )
        for n in range(6)
    ]
    assert forged == [(303, f"/en/{EU}/check-email/")] * 6
    forger = Signature.objects.filter(email__startswith="forger").order_by("pk")
    assert list(forger.values_list("held_reason", flat=True)) == [""] * 3 + [HeldReason.RATE_IP] * 3
    assert len(set(forger.values_list("ip_hash", flat=True))) == 1


def test_deployment_guide_gives_a_count_for_each_proxy_example():
    assert [guide_count(proxy) for proxy in ("Caddy", "nginx", "Varnish")] == [1, 1, 1]


@pytest.fixture
def fresh_warning(monkeypatch):
    monkeypatch.setattr(web, "_proxy_mismatch_logged", False)


def forwarded_request(remote: str, forwarded: str):
    return RequestFactory().post("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)


def test_client_ip_warns_once_when_a_proxy_forwards_but_the_count_is_zero(
    settings, caplog, fresh_warning
):
    settings.TRUSTED_PROXY_COUNT = 0
    with caplog.at_level("WARNING", logger="campaign.web.http"):
        addresses = [
            web.client_ip(forwarded_request("127.0.0.1", "203.0.113.5")),
            web.client_ip(forwarded_request("10.1.2.3", "203.0.113.6")),
        ]
    assert addresses == ["127.0.0.1", "10.1.2.3"]
    assert [record.getMessage() for record in caplog.records] == [
        "Requests reach the app through a proxy (X-Forwarded-For from a local or private "
        "address) while TRUSTED_PROXY_COUNT is 0: every supporter then shares the proxy's "
        "address, and the per-address rate limit holds real signatures out of the count. Set "
        "TRUSTED_PROXY_COUNT as docs/DEPLOYMENT.md gives it for your proxy."
    ]


def test_client_ip_does_not_warn_about_a_forged_header_from_a_direct_client(
    settings, caplog, fresh_warning
):
    settings.TRUSTED_PROXY_COUNT = 0
    with caplog.at_level("WARNING", logger="campaign.web.http"):
        address = web.client_ip(forwarded_request("81.2.69.142", "127.0.0.1"))
    assert address == "81.2.69.142"
    assert caplog.records == []
    assert web._proxy_mismatch_logged is False


def test_client_ip_warns_once_about_fewer_forwarded_entries_than_the_count(
    settings, caplog, fresh_warning
):
    settings.TRUSTED_PROXY_COUNT = 2
    with caplog.at_level("WARNING", logger="campaign.web.http"):
        addresses = [
            web.client_ip(forwarded_request("127.0.0.1", "203.0.113.5")),
            web.client_ip(RequestFactory().post("/", REMOTE_ADDR="127.0.0.1")),
            web.client_ip(forwarded_request("127.0.0.1", "198.51.100.1, 203.0.113.5")),
        ]
    assert addresses == ["127.0.0.1", "127.0.0.1", "198.51.100.1"]
    assert [record.getMessage() for record in caplog.records] == [
        "A request reached the app with 1 X-Forwarded-For entries while TRUSTED_PROXY_COUNT "
        "is 2, so its connecting address was used: every client of that proxy then shares "
        "one address. A proxy in front replaces the header instead of appending to it (nginx: "
        "$proxy_add_x_forwarded_for), the app is reachable without going through the proxies, "
        "or the count is higher than the proxies in front (then clients can choose their own "
        "address). See docs/DEPLOYMENT.md."
    ]


@pytest.mark.parametrize(
    ("site_url", "count", "ids"),
    [
        ("https://petition.example.org", 0, ["petitions.W001"]),
        ("https://petition.example.org", 1, []),
        ("http://127.0.0.1:8000", 0, []),
        ("https://petition.example.org", -1, ["petitions.E001"]),
    ],
)
def test_deploy_check_reports_a_proxy_count_that_cannot_fit(settings, site_url, count, ids):
    settings.SITE_URL = site_url
    settings.TRUSTED_PROXY_COUNT = count
    assert [message.id for message in check_trusted_proxy_count(None)] == ids
