"""The app compresses public HTML and JSON (zstd, brotli or gzip), keeps ETags and 304s working,
and never compresses answers that may carry a secret (BREACH, docs/SECURITY.md)."""

from __future__ import annotations

import gzip
import json

import brotli
import pytest
from django.core.cache import caches
from django.http import HttpResponse
from django.test import RequestFactory

from campaign.web.compression import CompressionMiddleware

EU = "banfacialrecognitioneu"
PAGE = f"/en/{EU}/"


@pytest.fixture
def server_cache(settings):
    """Both requests of a test get the same page bytes: the second from the server cache."""
    settings.PAGE_CACHE_SECONDS = 5
    caches["pages"].clear()
    yield
    caches["pages"].clear()


def test_campaign_page_is_gzip_when_the_client_accepts_gzip(client, campaigns, server_cache):
    plain = client.get(PAGE)
    compressed = client.get(PAGE, HTTP_ACCEPT_ENCODING="gzip, deflate")
    assert (compressed.status_code, compressed["Content-Encoding"]) == (200, "gzip")
    assert compressed["Vary"] == "Accept-Encoding"
    assert gzip.decompress(compressed.content) == plain.content
    assert len(compressed.content) < len(plain.content) // 3
    assert compressed["Content-Length"] == str(len(compressed.content))


def test_campaign_page_is_brotli_when_the_client_accepts_br(client, campaigns, server_cache):
    plain = client.get(PAGE)
    compressed = client.get(PAGE, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert (compressed.status_code, compressed["Content-Encoding"]) == (200, "br")
    assert compressed["Vary"] == "Accept-Encoding"
    assert brotli.decompress(compressed.content) == plain.content


def test_campaign_page_is_zstd_for_a_browser_that_accepts_it(client, campaigns, server_cache):
    try:
        from compression import zstd  # Python 3.14
    except ImportError:
        from backports import zstd
    plain = client.get(PAGE)
    compressed = client.get(PAGE, HTTP_ACCEPT_ENCODING="gzip, deflate, br, zstd")
    assert (compressed.status_code, compressed["Content-Encoding"]) == (200, "zstd")
    assert compressed["Vary"] == "Accept-Encoding"
    assert zstd.decompress(compressed.content) == plain.content


def test_campaign_page_is_not_compressed_without_accept_encoding(client, campaigns):
    plain = client.get(PAGE)
    assert plain.status_code == 200
    assert plain.get("Content-Encoding") is None
    assert plain["Vary"] == "Accept-Encoding"
    assert plain.content.decode().startswith("<!doctype html>")


def test_api_json_is_compressed_and_varies_only_by_encoding(client, campaigns):
    plain = client.get(f"/api/v1/petitions/{EU}", HTTP_ACCEPT_LANGUAGE="pt-BR")
    compressed = client.get(
        f"/api/v1/petitions/{EU}", HTTP_ACCEPT_LANGUAGE="pt-BR", HTTP_ACCEPT_ENCODING="br"
    )
    assert (compressed["Content-Encoding"], compressed["Vary"]) == ("br", "Accept-Encoding")
    assert json.loads(brotli.decompress(compressed.content)) == json.loads(plain.content)


def test_compressed_page_answers_304_with_the_etag_and_vary_of_its_200(
    client, campaigns, server_cache
):
    first = client.get(PAGE, HTTP_ACCEPT_ENCODING="gzip")
    assert first["ETag"].startswith('W/"')
    again = client.get(PAGE, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=first["ETag"])
    assert (again.status_code, again.content) == (304, b"")
    assert (again["ETag"], again["Vary"]) == (first["ETag"], "Accept-Encoding")


def test_account_pages_are_never_compressed(client, db):
    response = client.get("/accounts/login/", HTTP_ACCEPT_ENCODING="gzip, br")
    assert response.status_code == 200
    assert response.get("Content-Encoding") is None
    assert "Accept-Encoding" not in response.get("Vary", "")
    assert 'name="csrfmiddlewaretoken"' in response.content.decode()


@pytest.mark.parametrize(
    "make_response",
    [
        pytest.param(lambda r: r.set_cookie("sessionid", "secret"), id="sets-a-cookie"),
        pytest.param(lambda r: r.__setitem__("Vary", "Cookie"), id="depends-on-a-cookie"),
    ],
)
def test_answers_tied_to_a_cookie_are_never_compressed(make_response):
    def view(request):
        response = HttpResponse("<p>secret token: 0123456789abcdef</p>" * 10)
        make_response(response)
        return response

    request = RequestFactory().get("/en/", HTTP_ACCEPT_ENCODING="gzip, br")
    response = CompressionMiddleware(view)(request)
    assert response.get("Content-Encoding") is None
    assert response.content == b"<p>secret token: 0123456789abcdef</p>" * 10
