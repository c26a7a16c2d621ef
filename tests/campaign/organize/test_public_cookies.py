"""With allauth and the organizer area installed, public pages still set no cookie."""

from __future__ import annotations

import pytest

from tests.petitions.helpers import sign

BR = "tiremeurostodasuamira"
EU = "banfacialrecognitioneu"


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/en/",
        f"/en/{EU}/",
        f"/de/{EU}/",
        f"/pt-br/{BR}/",
        f"/en/{EU}/check-email/",
        f"/en/{EU}/thanks/",
        f"/en/{EU}/privacy/",
        f"/en/{EU}/resend/",
        f"/api/v1/petitions/{EU}",
        "/healthz",
    ],
)
def test_public_pages_set_no_cookie(client, campaigns, path):
    response = client.get(path)
    assert response.status_code in (200, 302)
    assert response.cookies == {}
    if path != "/":  # Django's language redirect always varies on the language cookie
        assert "Cookie" not in response.get("Vary", "")
    assert client.cookies == {}


def test_signing_sets_no_cookie(client, campaigns):
    response = sign(client, lang="pt-br", slug=BR)
    assert response.status_code == 303
    assert response.cookies == {}
    assert client.cookies == {}
