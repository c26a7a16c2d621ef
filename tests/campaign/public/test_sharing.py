"""The Mastodon share: a validated public host name, and a page naming it before anyone leaves."""

from __future__ import annotations

import html
from urllib.parse import parse_qs

import pytest

from campaign.public.sharing import mastodon_host

EU = "banfacialrecognitioneu"


@pytest.mark.parametrize(
    ("typed", "host"),
    [
        ("mastodon.social", "mastodon.social"),
        (" https://Mastodon.Social/ ", "mastodon.social"),
        ("@me@chaos.social", "chaos.social"),
        ("me@social.example.org", "social.example.org"),
        ("bürger.social", "xn--brger-kva.social"),
        ("evil.example", None),
        ("localhost", None),
        ("intranet", None),
        ("127.0.0.1", None),
        ("[::1]", None),
        ("10.0.0.1", None),
        ("metadata.internal", None),
        ("printer.local", None),
        ("mastodon.social:8443", None),
        ("mastodon.social/share", None),
        ("mastodon.social?x=1", None),
        ("evil.org#mastodon.social", None),
        ("http://mastodon.social", None),
        ("//evil.org", None),
        ("a@b@evil.org", None),
        ("evil.org\\@mastodon.social", None),
        ("-bad.org", None),
        ("javascript:alert(1)", None),
    ],
)
def test_mastodon_host_takes_only_a_plain_public_host_name(typed, host):
    assert mastodon_host(typed) == host


def test_mastodon_share_names_the_destination_and_does_not_redirect(client, campaigns):
    response = client.get(f"/en/{EU}/share/mastodon/", {"instance": "@me@Chaos.Social"})
    body = response.content.decode()
    link = html.unescape(body.split('<a href="https://chaos.social/share?', 1)[1].split('"')[0])
    assert (response.status_code, response.get("Location"), response["Cache-Control"]) == (
        200,
        None,
        "private, no-store",
    )
    assert "<strong>chaos.social</strong>" in body
    assert "Continue to chaos.social</a>" in body
    [text] = parse_qs(link)["text"]
    assert text.endswith(f"#BanFacialRecognitionEU http://testserver/en/{EU}/")


@pytest.mark.parametrize("instance", ["evil.example", "127.0.0.1", "internal", "evil.org:444"])
def test_mastodon_share_refuses_a_host_that_is_not_plain_and_public(client, campaigns, instance):
    response = client.get(f"/en/{EU}/share/mastodon/", {"instance": instance})
    body = response.content.decode()
    assert (response.status_code, response.get("Location")) == (400, None)
    assert "Please enter the address of your Mastodon server, like mastodon.social." in body
    assert "/share?text=" not in body


def test_mastodon_confirmation_is_translated(client, campaigns):
    body = client.get(f"/de/{EU}/share/mastodon/", {"instance": "chaos.social"}).content.decode()
    assert "Weiter zu chaos.social</a>" in body
    assert "dem Mastodon-Server, den du eingegeben hast." in body
