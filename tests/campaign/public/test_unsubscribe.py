"""One-click unsubscribe (RFC 8058) and the visible link's page: no cookie, no login."""

from __future__ import annotations

import pytest
from django.utils import timezone

from petitions.consents import consent_text_id
from petitions.models import Consent, Signature
from petitions.tokens import make_rights_token
from tests import factories

pytestmark = pytest.mark.django_db

EU = "banfacialrecognitioneu"


@pytest.fixture
def signer(eu_petition):
    signature = factories.signature(petition=eu_petition, updates_opt_in=True)
    text = consent_text_id(kind="updates", language="en", text="Keep me informed.")
    Consent.objects.create(signature=signature, text_id=text, given_at=timezone.now())
    return signature


def url(signature, slug=EU) -> str:
    token = make_rights_token(signature.public_id, purpose="unsubscribe")
    return f"/en/{slug}/unsubscribe/{token}/"


def test_one_click_post_unsubscribes_with_a_plain_200_and_no_cookie(client, signer):
    response = client.post(url(signer), {"List-Unsubscribe": "One-Click"})
    assert (response.status_code, response.content) == (200, b"Unsubscribed.\n")
    assert response.cookies == {}
    assert response["Cache-Control"] == "private, no-store"
    signer.refresh_from_db()
    assert signer.updates_opt_in is False
    consent = Consent.objects.get(signature=signer)
    assert consent.withdrawn_at is not None
    again = client.post(url(signer), {"List-Unsubscribe": "One-Click"})
    assert again.status_code == 200
    assert Consent.objects.get(signature=signer).withdrawn_at == consent.withdrawn_at


def test_get_shows_a_button_and_changes_nothing(client, signer):
    response = client.get(url(signer))
    assert response.status_code == 200
    assert response.cookies == {}
    assert b'<form method="post">' in response.content
    assert Signature.objects.get(pk=signer.pk).updates_opt_in is True


def test_button_post_unsubscribes_and_leads_to_the_done_page(client, signer):
    response = client.post(url(signer), {}, HTTP_ORIGIN="http://testserver")
    assert response.status_code == 303
    assert response["Location"] == f"/en/{EU}/unsubscribed/"
    assert Signature.objects.get(pk=signer.pk).updates_opt_in is False
    done = client.get(response["Location"])
    assert done.status_code == 200 and b"You are unsubscribed" in done.content
    assert done.cookies == {}


def test_button_post_from_another_site_is_refused(client, signer):
    response = client.post(url(signer), {}, HTTP_ORIGIN="https://evil.example")
    assert response.status_code == 403
    assert Signature.objects.get(pk=signer.pk).updates_opt_in is True


@pytest.mark.parametrize(
    "token", ["garbage", make_rights_token.__name__, "withdraw-token-placeholder"]
)
def test_bad_tokens_change_nothing(client, signer, token):
    response = client.post(f"/en/{EU}/unsubscribe/{token}/", {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 400
    assert client.get(f"/en/{EU}/unsubscribe/{token}/").status_code == 400
    assert Signature.objects.get(pk=signer.pk).updates_opt_in is True


def test_token_of_another_purpose_or_campaign_does_not_unsubscribe(client, signer):
    withdraw = make_rights_token(signer.public_id, purpose="withdraw")
    response = client.post(f"/en/{EU}/unsubscribe/{withdraw}/", {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 400
    other = client.post(url(signer, "tiremeurostodasuamira"), {"List-Unsubscribe": "One-Click"})
    assert other.status_code == 400
    assert Signature.objects.get(pk=signer.pk).updates_opt_in is True
