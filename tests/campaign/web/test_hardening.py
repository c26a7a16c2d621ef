"""Security headers, no inline code, request limits, logs without addresses, check --deploy."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from campaign.devtools.launcher import ACCESS_LOG_FORMAT, web_command
from campaign.web.middleware import SecurityHeadersMiddleware

BR = "tiremeurostodasuamira"
EU = "banfacialrecognitioneu"
BASE_DIR = Path(__file__).resolve().parents[3]
PAGES = [
    "/en/",
    f"/en/{EU}/",
    f"/pt-br/{BR}/",
    f"/en/{EU}/privacy/",
    f"/en/{EU}/resend/",
    f"/en/{EU}/my-links/",
]


@pytest.mark.parametrize("path", PAGES)
def test_public_pages_send_strict_headers_and_no_cookie(client, campaigns, path):
    response = client.get(path)
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
    assert not response.cookies


@pytest.mark.parametrize("path", PAGES)
def test_public_pages_have_no_inline_script_or_style(client, campaigns, eu_petition, path):
    eu_petition.require_pow = True
    eu_petition.save()
    html = client.get(path).content.decode()
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []
    assert re.findall(r"\sstyle=", html) == []
    assert re.findall(r"\son[a-z]+=", html) == []
    assert "<style" not in html


def test_csp_middleware_keeps_a_header_the_view_set(client, campaigns, settings):
    """The partner widget's frames set their own full CSP: the middleware must not touch it."""
    from csp.middleware import CSPMiddleware

    own = "default-src 'none'; frame-ancestors https://partner.example"
    request = RequestFactory().get("/embed/x/")
    response = HttpResponse("frame")
    response["Content-Security-Policy"] = own
    middleware = CSPMiddleware(lambda r: response)
    middleware.process_request(request)
    assert middleware.process_response(request, response)["Content-Security-Policy"] == own


def test_permissions_policy_middleware_keeps_an_existing_header():
    response = HttpResponse()
    response["Permissions-Policy"] = "camera=(self)"
    middleware = SecurityHeadersMiddleware(lambda request: response)
    assert middleware(RequestFactory().get("/"))["Permissions-Policy"] == "camera=(self)"


def test_hsts_is_sent_over_https_in_production_settings(client, campaigns, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    response = client.get("/en/", secure=True)
    assert response["Strict-Transport-Security"] == ("max-age=31536000; includeSubDomains; preload")


def test_oversized_public_post_is_refused_with_a_message_and_stores_nothing(
    client, campaigns, settings
):
    from petitions.models import Signature

    settings.PUBLIC_FORM_MAX_BYTES = 16 * 1024
    response = client.post(f"/en/{EU}/sign/", {"name": "x" * 20000, "email": "a@example.org"})
    assert response.status_code == 413
    assert "This form is too large" in response.content.decode()
    assert Signature.objects.count() == 0


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_wrong_method_gets_a_readable_page(client, campaigns, method):
    response = getattr(client, method)(f"/en/{EU}/sign/")
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert "This page cannot be used this way" in response.content.decode()


def test_unknown_page_gets_the_site_404(client, campaigns):
    response = client.get("/en/no-such-campaign/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_gunicorn_access_log_format_has_no_client_address(monkeypatch):
    monkeypatch.setenv("ACCESS_LOG", "1")
    command = web_command("serve", "8000")
    assert command[command.index("--access-logformat") + 1] == ACCESS_LOG_FORMAT
    for leak in ["%(h)s", "%({x-forwarded-for}i)s", "%(q)s", "%(r)s", "%(U)s?%(q)s"]:
        assert leak not in ACCESS_LOG_FORMAT


def test_gunicorn_keeps_no_access_log_unless_asked(monkeypatch):
    monkeypatch.delenv("ACCESS_LOG", raising=False)
    command = web_command("serve", "8000")
    assert "--access-logfile" not in command
    assert "--access-logformat" not in command


def test_check_deploy_is_clean_under_production_settings(tmp_path):
    # Test-harness variables (the browser tests' async-unsafe switch) are not production's.
    inherited = {
        k: v for k, v in os.environ.items() if k not in ("DJANGO_ALLOW_ASYNC_UNSAFE", "REDIS_URL")
    }
    env = {
        **inherited,
        "DEBUG": "0",
        "SITE_URL": "https://petitions.example.org",
        "ALLOWED_HOSTS": "petitions.example.org",
        "SECRET_KEY": "k3y-" + "x7Qp9" * 12,
        "VAR_DIR": str(tmp_path),
        "ANYMAIL_WEBHOOK_SECRET": "hooks:secret",
        # Production sends mail (console mail is an error with DEBUG=0: campaign.E001).
        "EMAIL_URL": "smtps://petitions:secret@smtp.example.org:465",
        # No REDIS_URL: login limits and used TOTP codes are shared through PostgreSQL.
        "MFA_ENCRYPTION_KEY": "m4-" + "Zt8wK" * 12,
        # TLS ends at the guide's reverse proxy (docs/DEPLOYMENT.md).
        "TRUSTED_PROXY_COUNT": "1",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "System check identified no issues (0 silenced)."


def test_application_logs_never_contain_the_client_address(client, campaigns, caplog):
    from petitions.tokens import make_form_token

    address = "203.0.113.77"
    token = make_form_token(petition_id=campaigns[EU].petition.pk)
    valid = {"name": "Ana", "email": "ana@example.org", "country": "DE", "privacy_consent": "on"}
    with caplog.at_level("DEBUG"):
        client.get(f"/en/{EU}/", REMOTE_ADDR=address)
        client.post(f"/en/{EU}/sign/", {**valid, "form_token": token}, REMOTE_ADDR=address)
        client.post(f"/en/{EU}/sign/", {"name": ""}, REMOTE_ADDR=address)
        client.post(f"/en/{EU}/sign/", valid, REMOTE_ADDR=address, HTTP_ORIGIN="https://x.example")
        client.get("/en/nowhere/", REMOTE_ADDR=address)
        client.put(f"/en/{EU}/sign/", REMOTE_ADDR=address)
        client.get(f"/en/{EU}/withdraw/bad/", REMOTE_ADDR=address)
    assert caplog.records, "the requests above do log (400, 403, 404, 405)"
    assert address not in caplog.text
