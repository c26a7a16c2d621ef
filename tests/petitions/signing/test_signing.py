import time

import pytest
from django.core import mail

from petitions.models import Consent, Signature, SignatureStatus
from petitions.tokens import (
    FORM_SALT,
    TokenProblem,
    check_form_token,
    check_widget_token,
    make_form_token,
    make_widget_token,
)
from tests.conftest import confirm_link
from tests.petitions.helpers import sign

BR = "tiremeurostodasuamira"
EU = "banfacialrecognitioneu"


def test_sign_stores_pending_signature_and_redirects_to_check_email(client, br_petition, run_tasks):
    response = sign(
        client, lang="pt-br", slug=BR, name="  João   Conceição ", email=" Joao@Example.ORG "
    )
    assert response.status_code == 303
    assert response["Location"] == f"/pt-br/{BR}/check-email/"
    signature = Signature.objects.get()
    assert (signature.name, signature.email, signature.email_key) == (
        "João Conceição",
        "Joao@Example.ORG",
        "joao@example.org",
    )
    assert (signature.country, signature.region, signature.locale) == ("BR", "BR-SP", "pt-br")
    assert signature.status == SignatureStatus.PENDING
    assert len(signature.ip_hash) == 64
    assert [c.text.kind for c in Consent.objects.filter(signature=signature)] == ["privacy"]
    assert run_tasks() == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["Joao@Example.ORG"]


def test_sign_records_updates_consent_with_exact_text(client, eu_petition):
    sign(client, lang="en", slug=EU, country="DE", region=None, updates_opt_in="on")
    signature = Signature.objects.get()
    texts = {c.text.kind: c.text.text for c in signature.consents.select_related("text")}
    assert texts["updates"] == "Keep me informed by email about #BanFacialRecognitionEU."
    assert texts["privacy"].startswith(
        "I agree that my signature is processed as the privacy notice describes.\n\n"
    )
    assert signature.updates_opt_in is True


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"name": ""}, "name", "Please enter your name."),
        ({"name": "   "}, "name", "Please enter your name."),
        ({"name": "x" * 201}, "name", "Please shorten your name to at most 200 characters."),
        ({"name": "Ana\x07"}, "name", "Please remove special control characters from your name."),
        ({"email": ""}, "email", "Please enter your email address."),
        (
            {"email": "not-an-address"},
            "email",
            "Please enter a valid email address, like name@example.org.",
        ),
        ({"country": ""}, "country", "Please choose your country."),
        ({"country": "XX"}, "country", "Please choose your country from the list."),
        ({"region": ""}, "region", "Please choose your state."),
        ({"region": "BR-XX"}, "region", "Please choose your state from the list."),
        (
            {"postal_code": "<b>"},
            "postal_code",
            "Please use only letters, digits, spaces and hyphens in the postal code.",
        ),
        (
            {"postal_code": "1" * 17},
            "postal_code",
            "Please enter a postal code of at most 16 characters.",
        ),
        (
            {"privacy_consent": None},
            "privacy_consent",
            "Please agree to the privacy notice, or your signature cannot be counted.",
        ),
    ],
)
def test_sign_rejects_invalid_field_with_message(client, br_petition, fields, field, message):
    response = sign(client, lang="en", slug=BR, **fields)
    assert response.status_code == 400
    assert response.context["form"].errors == {field: [message]}
    assert message in response.content.decode()
    assert Signature.objects.count() == 0


def test_sign_shows_errors_in_page_language(client, br_petition):
    response = sign(client, lang="pt-br", slug=BR, name="")
    assert response.status_code == 400
    assert response.context["form"].errors == {"name": ["Por favor, informe seu nome."]}


def test_sign_without_state_is_accepted_outside_brazil(client, br_petition):
    response = sign(client, lang="en", slug=BR, country="PT", region="")
    assert response.status_code == 303
    assert Signature.objects.get().region == ""


def test_sign_twice_with_same_address_looks_the_same_and_stores_once(
    client, br_petition, run_tasks
):
    first = sign(client, lang="pt-br", slug=BR, email="ana@example.org")
    second = sign(client, lang="pt-br", slug=BR, email="  ANA@Example.org  ", name="Ana B")
    assert (first.status_code, first["Location"]) == (second.status_code, second["Location"])
    assert first.content == second.content
    assert Signature.objects.count() == 1
    assert Signature.objects.get().name == "Maria da Silva"
    # A still pending signature gets its confirmation email again.
    assert run_tasks() == 2
    assert len(mail.outbox) == 2


def test_sign_again_after_confirmation_sends_nothing_and_counts_once(
    client, br_petition, run_tasks
):
    sign(client, lang="en", slug=BR, email="ana@example.org")
    run_tasks()
    client.post(confirm_link(mail.outbox[0]).replace("http://testserver", ""))
    response = sign(client, lang="en", slug=BR, email="Ana@example.org")
    assert response.status_code == 303
    assert run_tasks() == 0
    assert client.get(f"/api/v1/petitions/{BR}").json()["signatures"] == 1


def test_sign_rejects_tampered_form_token(client, br_petition):
    response = sign(client, lang="en", slug=BR, form_token="1:forged:token")
    assert response.status_code == 400
    assert "This form could not be verified." in response.content.decode()
    assert Signature.objects.count() == 0


def test_sign_rejects_form_token_of_another_petition(client, br_petition, eu_petition):
    from petitions.tokens import make_form_token

    token = make_form_token(petition_id=eu_petition.pk)
    response = sign(client, lang="en", slug=BR, form_token=token)
    assert response.status_code == 400
    assert Signature.objects.count() == 0


def test_sign_with_expired_form_token_keeps_the_data_and_offers_a_fresh_token(
    client, br_petition, settings
):
    settings.FORM_TOKEN_MAX_AGE = -1
    response = sign(client, lang="en", slug=BR, name="Keep Me")
    body = response.content.decode()
    assert response.status_code == 400
    assert "This form was open for too long." in body
    assert 'value="Keep Me"' in body
    assert Signature.objects.count() == 0


def test_sign_refuses_a_post_from_another_origin(client, br_petition):
    from tests.petitions.helpers import form_token

    token = form_token(client, f"/en/{BR}/")
    response = client.post(
        f"/en/{BR}/sign/",
        {
            "name": "A",
            "email": "a@example.org",
            "country": "BR",
            "region": "BR-SP",
            "privacy_consent": "on",
            "form_token": token,
        },
        HTTP_ORIGIN="https://evil.example",
    )
    assert response.status_code == 403
    assert Signature.objects.count() == 0


def test_sign_when_petition_paused_stores_nothing(client, br_petition):
    br_petition.is_open = False
    br_petition.save()
    response = sign(client, lang="en", slug=BR)
    assert response.status_code == 403
    assert "Signing is paused for this petition." in response.content.decode()
    assert Signature.objects.count() == 0


def test_sign_get_is_not_allowed(client, br_petition):
    assert client.get(f"/en/{BR}/sign/").status_code == 405


def test_a_remembered_form_token_still_expires_and_follows_the_secret_key(settings, monkeypatch):
    token = make_form_token(petition_id=3)
    assert check_form_token(token, petition_id=3) is None
    assert check_form_token(token, petition_id=4) == TokenProblem.INVALID
    settings.FORM_TOKEN_MAX_AGE = 60
    later = time.time() + 61
    monkeypatch.setattr("petitions.tokens.time.time", lambda: later)
    assert check_form_token(token, petition_id=3) == TokenProblem.EXPIRED
    monkeypatch.undo()
    settings.SECRET_KEY = "another-secret-key-" + "x" * 40
    settings.SECRET_KEY_FALLBACKS = []
    assert check_form_token(token, petition_id=3) == TokenProblem.INVALID


def test_form_tokens_stay_the_same_through_a_window_and_never_outlive_their_max_age(
    settings, monkeypatch
):
    settings.FORM_TOKEN_WINDOW = 600
    settings.FORM_TOKEN_MAX_AGE = 3600
    window_start = 1_800_000_000  # a multiple of 600
    clock = [window_start + 10.5]
    monkeypatch.setattr("petitions.tokens.time.time", lambda: clock[0])
    form, frame = make_form_token(petition_id=3), make_widget_token(widget_id=5)
    clock[0] = window_start + 599.9
    assert (make_form_token(petition_id=3), make_widget_token(widget_id=5)) == (form, frame)
    clock[0] = window_start + 600
    assert make_form_token(petition_id=3) != form
    assert make_widget_token(widget_id=5) != frame
    # Aged from the window's start, so a token is refused at most FORM_TOKEN_MAX_AGE after it
    # was first served, and at least FORM_TOKEN_MAX_AGE - FORM_TOKEN_WINDOW after any serving.
    clock[0] = window_start + 3600
    assert (check_form_token(form, petition_id=3), check_widget_token(frame, widget_id=5)) == (
        None,
        None,
    )
    clock[0] = window_start + 3601
    assert (check_form_token(form, petition_id=3), check_widget_token(frame, widget_id=5)) == (
        TokenProblem.EXPIRED,
        TokenProblem.EXPIRED,
    )
    assert check_widget_token(frame, widget_id=6) == TokenProblem.EXPIRED
    clock[0] = window_start + 10
    assert check_widget_token(frame, widget_id=6) == TokenProblem.INVALID
    assert check_widget_token(form, widget_id=3) == TokenProblem.INVALID  # another salt


def test_token_window_is_at_most_a_quarter_of_the_max_age(settings, monkeypatch):
    settings.FORM_TOKEN_WINDOW = 3600
    settings.FORM_TOKEN_MAX_AGE = 400
    clock = [1_800_000_000.0]
    monkeypatch.setattr("petitions.tokens.time.time", lambda: clock[0])
    first = make_form_token(petition_id=3)
    clock[0] += 99
    assert make_form_token(petition_id=3) == first
    clock[0] += 1
    assert make_form_token(petition_id=3) != first


def test_form_token_served_before_the_windows_still_works(settings):
    from django.core import signing

    earlier = signing.TimestampSigner(salt=FORM_SALT).sign("3")
    assert check_form_token(earlier, petition_id=3) is None
