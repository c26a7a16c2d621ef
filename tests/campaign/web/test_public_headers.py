"""Vary and Content-Language on public GETs: an answer varies by Accept-Language only when its
bytes do, and names the language it is written in (or none when it has none)."""

from __future__ import annotations

import pytest
from django.core.cache import caches

BR = "tiremeurostodasuamira"
EU = "banfacialrecognitioneu"


@pytest.fixture
def campaigns(demo_campaigns):
    """With the demo partners, whose widget frames are checked here."""
    return demo_campaigns


def headers(response) -> tuple:
    return response.status_code, response.get("Vary"), response.get("Content-Language")


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (f"/embed/{BR}.js", (200, "Accept-Encoding", None)),
        ("/sitemap.xml", (200, "Accept-Encoding", None)),
        (f"/api/v1/petitions/{EU}", (200, "Accept-Encoding", None)),
        ("/healthz", (200, None, None)),
        (f"/en/{EU}/", (200, "Accept-Encoding", "en")),
        # A plain iframe learns its embedding site from the Referer; the loader's frame names it.
        (f"/embed/{EU}/?partner=demo-{EU}&lang=de", (200, "Referer, Accept-Encoding", "de")),
        (f"/embed/{BR}/?partner=demo-{BR}", (200, "Referer, Accept-Encoding", "pt-br")),
        (
            f"/embed/{EU}/?partner=demo-{EU}&lang=de&origin=http%3A%2F%2Flocalhost",
            (200, "Accept-Encoding", "de"),
        ),
    ],
)
def test_public_answers_vary_and_name_their_language_exactly(client, campaigns, path, expected):
    assert headers(client.get(path, HTTP_ACCEPT_LANGUAGE="fr")) == expected


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (f"/api/v1/petitions/{EU}", (200, "Accept-Encoding", None)),
        (f"/en/{EU}/", (200, "Accept-Encoding", "en")),
        (f"/embed/{EU}/?partner=demo-{EU}&lang=de", (200, "Referer, Accept-Encoding", "de")),
    ],
)
def test_answers_from_the_server_cache_keep_their_headers(
    client, campaigns, settings, path, expected
):
    settings.PAGE_CACHE_SECONDS = 5
    caches["pages"].clear()
    built = client.get(path, HTTP_ACCEPT_LANGUAGE="fr")
    cached = client.get(path, HTTP_ACCEPT_LANGUAGE="pt-BR")
    caches["pages"].clear()
    assert (headers(built), headers(cached)) == (expected, expected)


def test_negotiated_answers_still_vary_by_language(client, campaigns):
    root = client.get("/", HTTP_ACCEPT_LANGUAGE="pt-BR")
    assert (root.status_code, root["Location"], root["Vary"]) == (
        302,
        "/pt-br/",
        "Accept-Language, Cookie",
    )
    login = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="de")
    assert (login["Vary"], login["Content-Language"]) == ("Cookie, Accept-Language", "de")


def test_favicon_is_a_small_cacheable_icon_in_every_language(client, db):
    response = client.get("/favicon.ico", HTTP_ACCEPT_LANGUAGE="de")
    assert headers(response) == (200, "Accept-Encoding", None)
    assert (response["Content-Type"], response["Cache-Control"]) == (
        "image/x-icon",
        "public, max-age=86400",
    )
    assert response.content[:4] == b"\x00\x00\x01\x00"  # the ICO signature
    assert len(response.content) <= 8 * 1024
    assert not response.cookies


def test_every_page_links_the_svg_icon_and_the_ico(client, campaigns):
    for path in (f"/en/{EU}/", "/pt-br/", "/accounts/login/"):
        body = client.get(path).content.decode()
        assert '<link rel="icon" href="/favicon.ico" sizes="16x16 32x32 48x48">' in body, path
        assert '<link rel="icon" href="/static/img/icon.svg" type="image/svg+xml">' in body, path
