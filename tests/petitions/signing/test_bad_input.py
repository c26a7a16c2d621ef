"""Property-based tests: whatever arrives, never a 500 or a trace; rejected means not stored."""

import json
from urllib.parse import quote, urlencode

import pytest
from django.core import mail
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from petitions.addresses import normalise_email
from petitions.models import Signature
from petitions.signing.forms import has_control_characters
from petitions.tokens import make_confirm_token, make_form_token, make_rights_token
from tests import factories

BR = "tiremeurostodasuamira"
EU = "banfacialrecognitioneu"

bounded = hypothesis_settings(
    max_examples=50,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

NASTY = [
    "",
    " ",
    "\x00",
    "Ana\x00Silva",
    "Ana\r\nBcc: victim@example.org",
    "a@example.org\r\nBcc: victim@example.org",
    "a@example.org\nSubject: pwned",
    "<script>alert(1)</script>",
    "<img src=x onerror=window.__xss=1>",
    '"><svg onload=alert(1)>',
    '=HYPERLINK("http://evil")',
    "\u202egnp.exe",
    "\ufeff",
    "\ud7ff\ue000",
    "x" * 5000,
    "🙂" * 300,
    "a@" + "b" * 300 + ".org",
    "@example.org",
    "a@@example.org",
    "a@example..org",
    "'; DROP TABLE petitions_signature; --",
    "%00",
    "../../etc/passwd",
]
nasty_text = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=300),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=40),
)
maybe_email = st.one_of(st.emails(), nasty_text)


def assert_clean_answer(response, *, allowed):
    assert response.status_code in allowed, response.status_code
    body = response.content.decode("utf-8", errors="replace")
    assert "Traceback" not in body
    assert 'File "' not in body
    return body


@bounded
@given(name=nasty_text, email=maybe_email, postal_code=nasty_text, country=nasty_text)
def test_sign_form_answers_clearly_and_stores_only_valid_input(
    client, br_petition, name, email, postal_code, country
):
    before = set(Signature.objects.values_list("id", flat=True))
    data = {
        "name": name,
        "email": email,
        "country": country if len(country) % 2 else "BR",
        "region": "BR-SP",
        "postal_code": postal_code,
        "privacy_consent": "on",
        "form_token": make_form_token(petition_id=br_petition.pk),
    }
    response = client.post(f"/pt-br/{BR}/sign/", data)
    body = assert_clean_answer(response, allowed={303, 400, 413})
    new = Signature.objects.exclude(id__in=before)
    if response.status_code == 303:
        assert response["Location"] == f"/pt-br/{BR}/check-email/"
        for signature in new:
            assert not has_control_characters(signature.name)
            assert "\n" not in signature.email and "\r" not in signature.email
            assert signature.email_key == normalise_email(signature.email)
    else:
        assert not new.exists()
        assert '<html lang="pt-br">' in body
        if response.status_code == 400:
            assert 'class="error-summary"' in body


@bounded
@given(name=st.sampled_from(NASTY[3:6]) | st.text(max_size=80))
def test_header_injection_in_names_never_reaches_mail_headers(client, br_petition, run_tasks, name):
    mail.outbox.clear()
    email = f"inject{abs(hash(name)) % 10**8}@example.org"
    client.post(
        f"/en/{BR}/sign/",
        {
            "name": name,
            "email": email,
            "country": "PT",
            "privacy_consent": "on",
            "form_token": make_form_token(petition_id=br_petition.pk),
        },
    )
    run_tasks()
    for message in mail.outbox:
        assert message.to == [email]
        assert message.bcc == [] and message.cc == []
        raw = message.message().as_string()
        headers = raw.split("\n\n", 1)[0]
        assert "victim@example.org" not in headers
        assert "Bcc:" not in headers and "pwned" not in headers


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/json", json.dumps({"name": "Ana", "email": "ana@example.org"})),
        ("application/json", "{not json"),
        ("text/plain", "name=Ana&email=ana@example.org"),
        ("application/x-www-form-urlencoded", ""),
        ("application/x-www-form-urlencoded", "%zz=%zz&&&==="),
        ("multipart/form-data", "garbage without boundary"),
        ("multipart/form-data; boundary=xyz", "--xyz\r\nContent-Disposition: form-data\r\n\r\n"),
        ("application/xml", "<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a 'b'>]><x>&a;</x>"),
    ],
)
def test_sign_with_odd_content_types_answers_400_and_stores_nothing(
    client, br_petition, content_type, body
):
    response = client.post(f"/pt-br/{BR}/sign/", body, content_type=content_type)
    text = assert_clean_answer(response, allowed={400})
    assert '<html lang="pt-br">' in text
    assert Signature.objects.count() == 0


def test_sign_as_urlencoded_and_multipart_both_work(client, br_petition):
    fields = {
        "name": "Ana",
        "country": "PT",
        "privacy_consent": "on",
        "form_token": make_form_token(petition_id=br_petition.pk),
    }
    urlencoded = client.post(
        f"/en/{BR}/sign/",
        urlencode({**fields, "email": "one@example.org"}),
        content_type="application/x-www-form-urlencoded",
    )
    multipart = client.post(f"/en/{BR}/sign/", {**fields, "email": "two@example.org"})
    assert (urlencoded.status_code, multipart.status_code) == (303, 303)
    assert Signature.objects.count() == 2


def test_too_many_fields_are_refused_with_a_message(client, br_petition, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 50
    body = "&".join(f"f{i}=1" for i in range(200))
    response = client.post(
        f"/en/{BR}/sign/", body, content_type="application/x-www-form-urlencoded"
    )
    text = assert_clean_answer(response, allowed={400})
    assert "This request could not be read" in text
    assert Signature.objects.count() == 0


link_tokens = st.one_of(
    st.text(min_size=1, max_size=200),
    st.sampled_from(["x", ":", "a:b:c", "\x00", "%00", "..", "a" * 3000, "é:ü:ß"]),
)


@bounded
@given(token=link_tokens, kind=st.sampled_from(["confirm", "withdraw", "my-data"]))
def test_any_link_token_gets_a_clear_answer_and_changes_nothing(client, br_petition, token, kind):
    signature = (
        factories.signature(
            petition=br_petition,
            name="Keep",
            email="keep@example.org",
            country="BR",
            confirmed=False,
        )
        if not Signature.objects.exists()
        else Signature.objects.get()
    )
    path = f"/en/{BR}/{kind}/{quote(token, safe='')}/"
    for method in ("get", "post"):
        response = getattr(client, method)(path)
        assert_clean_answer(response, allowed={400, 404})
    signature.refresh_from_db()
    assert signature.status == "pending"


@pytest.mark.parametrize("purpose", ["withdraw", "data"])
@pytest.mark.parametrize("method", ["put", "delete", "patch", "options"])
def test_links_refuse_other_methods_with_a_page(client, br_petition, purpose, method):
    signature = factories.signature(
        petition=br_petition, name="Keep", email="keep@example.org", country="BR", confirmed=False
    )
    url = "withdraw" if purpose == "withdraw" else "my-data"
    token = make_rights_token(signature.public_id, purpose=purpose)
    response = getattr(client, method)(f"/en/{BR}/{url}/{token}/")
    assert_clean_answer(response, allowed={405})
    confirm = getattr(client, method)(
        f"/en/{BR}/confirm/{make_confirm_token(signature.public_id)}/"
    )
    assert_clean_answer(confirm, allowed={405})
    assert Signature.objects.count() == 1


@bounded
@given(slug=st.text(min_size=1, max_size=100), method=st.sampled_from(["get", "post", "put"]))
def test_api_answers_any_slug_and_method_cleanly(client, campaigns, slug, method):
    response = getattr(client, method)(f"/api/v1/petitions/{quote(slug, safe='')}")
    assert_clean_answer(response, allowed={200, 404, 405})
    if method != "get":
        assert response.status_code in (404, 405)


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_api_refuses_writes(client, campaigns, method):
    response = getattr(client, method)(
        f"/api/v1/petitions/{EU}", data="{}", content_type="application/json"
    )
    assert_clean_answer(response, allowed={405})
    assert response["Allow"] == "GET, HEAD"
