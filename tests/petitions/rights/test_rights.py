"""Withdrawal and data-copy links: they work, are single-purpose, expire, and leave no trace."""

import re

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from petitions.mail.data_copy import FIELD_LABELS
from petitions.models import Consent, Signature
from petitions.reporting.counting import flush_counts, petition_counts
from petitions.tokens import make_rights_token
from tests.conftest import confirm_link
from tests.petitions.helpers import confirm_signature, sign, stored_total

BR = "tiremeurostodasuamira"
EU = "banfacialrecognitioneu"
LINK = re.compile(r"https?://testserver(/[^\s\"<]+/(?:withdraw|my-data)/[^\s\"<]+/)")


def links(message) -> dict[str, str]:
    found = LINK.findall(message.body)
    html = message.alternatives[0][0]
    assert set(found) == set(LINK.findall(html)), "text and HTML carry the same links"
    return {("withdraw" if "/withdraw/" in path else "data"): path for path in found}


def signed_and_confirmed(client, run_tasks, **fields):
    sign(client, lang="pt-br", slug=BR, **fields)
    run_tasks()
    message = mail.outbox[-1]
    client.post(confirm_link(message).replace("http://testserver", ""))
    return Signature.objects.get(email=fields.get("email", "maria@example.org")), message


def all_text_in_database() -> str:
    """Every text-like column of every table in the public schema, concatenated."""
    chunks = []
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT table_name, column_name FROM information_schema.columns
               WHERE table_schema = 'public'
                 AND data_type IN ('text', 'character varying', 'json', 'jsonb', 'character')"""
        )
        for table, column in cursor.fetchall():
            cursor.execute(f'SELECT "{column}"::text FROM "{table}" WHERE "{column}" IS NOT NULL')
            chunks.extend(row[0] for row in cursor.fetchall())
    return "\n".join(chunks).lower()


def test_every_email_carries_withdraw_and_data_links(client, br_petition, run_tasks):
    signature, message = signed_and_confirmed(client, run_tasks)
    assert set(links(message)) == {"withdraw", "data"}
    client.post(links(message)["data"])
    run_tasks()
    assert set(links(mail.outbox[-1])) == {"withdraw", "data"}


def test_withdraw_link_get_changes_nothing_and_post_erases(client, br_petition, run_tasks):
    signature, message = signed_and_confirmed(
        client,
        run_tasks,
        name="Zélia Quintanilha",
        email="zelia.q@example.org",
        postal_code="01310-100",
    )
    other_client = Client(REMOTE_ADDR="198.51.100.1")
    sign(other_client, lang="pt-br", slug=BR, name="Other", email="other@example.org")
    flush_counts(petition_id=br_petition.pk)
    assert stored_total(petition_id=br_petition.pk) == 1
    path = links(message)["withdraw"]

    page = client.get(path)
    assert page.status_code == 200
    with translation.override("pt-br"):
        assert gettext("Withdraw my signature") in page.content.decode()
    assert "no-store" in page["Cache-Control"]
    assert not page.cookies
    assert Signature.objects.filter(pk=signature.pk).exists()

    response = client.post(path, HTTP_ORIGIN="http://testserver")
    assert response.status_code == 303
    assert response["Location"] == f"/pt-br/{BR}/withdrawn/"
    assert client.get(response["Location"]).status_code == 200
    assert not Signature.objects.filter(pk=signature.pk).exists()
    assert not Consent.objects.filter(signature_id=signature.pk).exists()
    counts = petition_counts(petition_id=br_petition.pk)
    assert (counts.total, counts.by_region) == (0, {})
    assert stored_total(petition_id=br_petition.pk) == 0
    text = all_text_in_database()
    for trace in ["zelia.q@example.org", "zélia", "quintanilha", "01310-100", signature.ip_hash]:
        assert trace.lower() not in text
    assert "other@example.org" in text  # the search does see signer data


def test_withdrawing_a_pending_signature_leaves_counts_alone(client, br_petition, run_tasks):
    signed, _ = signed_and_confirmed(client, run_tasks, email="counted@example.org")
    sign(client, lang="pt-br", slug=BR, email="pending@example.org")
    run_tasks()
    path = links(mail.outbox[-1])["withdraw"]
    assert client.post(path).status_code == 303
    assert list(Signature.objects.values_list("email", flat=True)) == ["counted@example.org"]
    assert petition_counts(petition_id=br_petition.pk).total == 1


def test_withdraw_link_twice_and_foreign_origin(client, br_petition, run_tasks):
    _, message = signed_and_confirmed(client, run_tasks)
    path = links(message)["withdraw"]
    refused = client.post(path, HTTP_ORIGIN="https://evil.example")
    assert refused.status_code == 403
    assert Signature.objects.count() == 1
    assert client.post(path).status_code == 303
    again = client.post(path)
    assert again.status_code == 400
    with translation.override("pt-br"):
        assert gettext("This link does not work") in again.content.decode()


def test_data_copy_email_lists_every_field_and_consent(client, br_petition, run_tasks):
    signature, message = signed_and_confirmed(
        client, run_tasks, email="copy@example.org", postal_code="20040-002", updates_opt_in="on"
    )
    path = links(message)["data"]
    assert client.get(path).status_code == 200
    assert len(mail.outbox) == 1, "GET sends nothing"
    response = client.post(path)
    assert response.status_code == 303
    assert response["Location"] == f"/pt-br/{BR}/data-sent/"
    run_tasks()
    copy = mail.outbox[-1]
    assert copy.to == ["copy@example.org"]
    signature.refresh_from_db()
    with translation.override("pt-br"):
        for label in FIELD_LABELS.values():
            assert f"{label}:" in copy.body
    for value in ["Maria da Silva", "copy@example.org", "20040-002", "BR-SP", signature.ip_hash]:
        assert value in copy.body
    for consent in signature.consents.select_related("text"):
        assert consent.text.text in copy.body
        assert consent.text.sha256[:12] in copy.body
    with translation.override("pt-br"):
        updates = gettext("Keep me informed by email about %(hashtag)s.")
    assert updates % {"hashtag": "#Tiremeurostodasuamira"} in copy.body


def test_data_copy_requests_are_rate_limited(client, br_petition, run_tasks, settings):
    settings.DATA_COPY_RATE = "2/3600"
    _, message = signed_and_confirmed(client, run_tasks)
    path = links(message)["data"]
    for _ in range(5):
        assert client.post(path).status_code == 303
    run_tasks()
    assert len(mail.outbox) == 1 + 2


def test_links_are_single_purpose(client, br_petition, run_tasks):
    signature, message = signed_and_confirmed(client, run_tasks)
    paths = links(message)
    withdraw_token = paths["withdraw"].rstrip("/").rsplit("/", 1)[1]
    data_token = paths["data"].rstrip("/").rsplit("/", 1)[1]
    confirm_token = confirm_link(message).rstrip("/").rsplit("/", 1)[1]
    for token in [withdraw_token, confirm_token]:
        assert client.post(f"/pt-br/{BR}/my-data/{token}/").status_code == 400
    for token in [data_token, confirm_token]:
        assert client.post(f"/pt-br/{BR}/withdraw/{token}/").status_code == 400
    assert client.post(f"/pt-br/{BR}/confirm/{withdraw_token}/").status_code == 400
    assert Signature.objects.filter(pk=signature.pk).exists()
    run_tasks()
    assert len(mail.outbox) == 1


def test_links_only_work_on_their_own_campaign(client, br_petition, eu_petition, run_tasks):
    _, message = signed_and_confirmed(client, run_tasks)
    path = links(message)["withdraw"].replace(BR, EU).replace("/pt-br/", "/en/")
    assert client.post(path).status_code == 400
    assert Signature.objects.count() == 1


def test_links_expire(client, br_petition, run_tasks, settings):
    signature, message = signed_and_confirmed(client, run_tasks)
    settings.SIGNER_LINK_MAX_AGE = -1
    for path in links(message).values():
        response = client.post(path)
        assert response.status_code == 400
        with translation.override("pt-br"):
            assert gettext("This link has expired") in response.content.decode()
    assert Signature.objects.filter(pk=signature.pk).exists()


@pytest.mark.parametrize("purpose", ["withdraw", "data"])
def test_tampered_rights_token_is_refused(client, br_petition, run_tasks, purpose):
    signature, _ = signed_and_confirmed(client, run_tasks)
    token = make_rights_token(signature.public_id, purpose=purpose)
    url = "withdraw" if purpose == "withdraw" else "my-data"
    response = client.post(f"/pt-br/{BR}/{url}/{token[:-2]}xx/")
    assert response.status_code == 400
    assert Signature.objects.filter(pk=signature.pk).exists()


def test_consents_carry_text_version_and_time(client, br_petition):
    sign(client, lang="pt-br", slug=BR, updates_opt_in="on")
    signature = Signature.objects.get()
    consents = list(signature.consents.select_related("text").order_by("text__kind"))
    assert [c.text.kind for c in consents] == ["privacy", "updates"]
    for consent in consents:
        assert len(consent.text.sha256) == 64
        assert consent.given_at == signature.created_at
        assert consent.text.language == "pt-br"


def test_confirming_after_withdrawal_does_nothing(client, br_petition, run_tasks):
    sign(client, lang="pt-br", slug=BR)
    run_tasks()
    message = mail.outbox[-1]
    public_id = Signature.objects.get().public_id
    client.post(links(message)["withdraw"])
    assert confirm_signature(public_id=public_id) is None
    assert client.post(confirm_link(message).replace("http://testserver", "")).status_code == 400
    assert Signature.objects.count() == 0


@pytest.mark.parametrize(("slug", "lang"), [(BR, "pt-br"), (BR, "en"), (EU, "en"), (EU, "de")])
def test_privacy_notice_covers_controller_purposes_retention_rights_contact(
    client, campaigns, settings, slug, lang
):
    settings.CONTACT_EMAIL = "dpo@coalition.example"
    settings.ANONYMISE_AFTER_DAYS = 180
    response = client.get(f"/{lang}/{slug}/privacy/", follow=True)
    html = response.content.decode()
    assert response.status_code == 200
    assert "dpo@coalition.example" in html
    assert settings.PRIVACY_CONTROLLER in html
    assert "{contact_email}" not in html
    assert html.count("<h2>") == 6  # controller, purposes, kept, recipients, how long, rights
    assert "180" in html
    if lang == "en":
        assert "it is deleted 7 days after you signed." in html
        assert "180 days after the later of the two dates your signature is anonymised" in html


def test_expired_link_page_offers_new_links_by_email(client, br_petition, run_tasks, settings):
    signature, message = signed_and_confirmed(client, run_tasks, email="lost@example.org")
    settings.SIGNER_LINK_MAX_AGE = -1
    page = client.get(links(message)["withdraw"]).content.decode()
    assert f'action="/pt-br/{BR}/my-links/"' in page
    token = re.search(r'name="form_token" value="([^"]+)"', page).group(1)
    settings.SIGNER_LINK_MAX_AGE = 3600
    response = client.post(
        f"/pt-br/{BR}/my-links/", {"email": " Lost@Example.org ", "form_token": token}
    )
    assert response.status_code == 303
    assert response["Location"] == f"/pt-br/{BR}/links-sent/"
    unknown = client.post(
        f"/pt-br/{BR}/my-links/", {"email": "never@example.org", "form_token": token}
    )
    assert unknown["Location"] == response["Location"]
    run_tasks()
    fresh = mail.outbox[-1]
    assert (fresh.to, len(mail.outbox)) == (["lost@example.org"], 2)
    assert client.post(links(fresh)["withdraw"]).status_code == 303
    assert not Signature.objects.filter(pk=signature.pk).exists()


def test_new_links_form_refuses_a_bad_token_and_foreign_origin(client, br_petition, run_tasks):
    signed_and_confirmed(client, run_tasks, email="lost@example.org")
    bad = client.post(f"/pt-br/{BR}/my-links/", {"email": "lost@example.org", "form_token": "x"})
    foreign = client.post(
        f"/pt-br/{BR}/my-links/",
        {"email": "lost@example.org", "form_token": "x"},
        HTTP_ORIGIN="https://evil.example",
    )
    assert (bad.status_code, foreign.status_code) == (400, 403)
    run_tasks()
    assert len(mail.outbox) == 1
