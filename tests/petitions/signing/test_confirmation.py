import datetime
import re

from django.core import mail, signing

from petitions.models import Signature, SignatureStatus, WebhookDelivery
from petitions.signing.confirmation import confirm_pending
from petitions.tokens import CONFIRM_SALT
from tests.conftest import confirm_link
from tests.petitions.helpers import sign
from tests.petitions.widget_helpers import make_partner, widget_sign

BR = "tiremeurostodasuamira"
EU = "banfacialrecognitioneu"


def signed_and_mailed(client, run_tasks, **fields):
    sign(client, lang=fields.pop("lang", "en"), slug=fields.pop("slug", BR), **fields)
    run_tasks()
    return confirm_link(mail.outbox[-1]).replace("http://testserver", "")


def api_count(client, slug=BR):
    return client.get(f"/api/v1/petitions/{slug}").json()["signatures"]


def test_confirm_get_shows_button_and_changes_nothing(client, br_petition, run_tasks):
    link = signed_and_mailed(client, run_tasks)
    response = client.get(link)
    assert response.status_code == 200
    assert "Confirm my signature" in response.content.decode()
    assert Signature.objects.get().status == SignatureStatus.PENDING
    assert api_count(client) == 0


def test_confirm_post_confirms_and_counts_country_and_region(client, br_petition, run_tasks):
    link = signed_and_mailed(client, run_tasks)
    response = client.post(link)
    assert response.status_code == 303
    assert response["Location"] == f"/en/{BR}/thanks/"
    signature = Signature.objects.get()
    assert signature.status == SignatureStatus.CONFIRMED
    payload = client.get(f"/api/v1/petitions/{BR}").json()
    assert (payload["signatures"], payload["by_country"], payload["by_region"]) == (
        1,
        {"BR": 1},
        {"BR-SP": 1},
    )


def test_confirm_twice_counts_once(client, br_petition, run_tasks):
    link = signed_and_mailed(client, run_tasks)
    client.post(link)
    second = client.post(link)
    assert second.status_code == 303
    assert api_count(client) == 1


def test_confirm_rejects_tampered_token(client, br_petition, run_tasks):
    link = signed_and_mailed(client, run_tasks)
    tampered = re.sub(r":([^:/]+)/$", ":AAAA/", link)
    response = client.get(tampered)
    body = response.content.decode()
    assert response.status_code == 400
    assert "This link does not work" in body
    assert 'name="email"' in body
    assert client.post(tampered).status_code == 400
    assert Signature.objects.get().status == SignatureStatus.PENDING


def test_confirm_rejects_expired_token_and_offers_a_new_email(
    client, br_petition, run_tasks, settings
):
    signed_and_mailed(client, run_tasks)
    signature = Signature.objects.get()
    old = datetime.datetime.now() - datetime.timedelta(days=8)
    token = signing.TimestampSigner(salt=CONFIRM_SALT)
    token.timestamp = lambda: signing.b62_encode(int(old.timestamp()))
    link = f"/en/{BR}/confirm/{token.sign(signature.public_id.hex)}/"
    response = client.get(link)
    assert response.status_code == 400
    assert "This confirmation link has expired" in response.content.decode()
    assert client.post(link).status_code == 400
    assert Signature.objects.get().status == SignatureStatus.PENDING
    # The page's button asks for a new link for the same signature.
    mail.outbox.clear()
    token_value = link.split("/confirm/")[1].rstrip("/")
    response = client.post(f"/en/{BR}/resend/", {"token": token_value})
    assert response.status_code == 303
    assert run_tasks() == 1
    assert mail.outbox[0].to == ["maria@example.org"]


def test_resend_by_address_sends_only_for_pending_signature(client, br_petition, run_tasks):
    from tests.petitions.helpers import form_token

    signed_and_mailed(client, run_tasks)
    mail.outbox.clear()
    token = form_token(client, f"/en/{BR}/resend/")
    response = client.post(
        f"/en/{BR}/resend/", {"email": "MARIA@example.org ", "form_token": token}
    )
    assert response.status_code == 303
    unknown = client.post(f"/en/{BR}/resend/", {"email": "nobody@example.org", "form_token": token})
    assert (unknown.status_code, unknown["Location"]) == (303, response["Location"])
    assert run_tasks() == 1
    assert mail.outbox[0].to == ["maria@example.org"]


def test_confirm_link_of_another_petition_is_refused(client, br_petition, eu_petition, run_tasks):
    link = signed_and_mailed(client, run_tasks)
    response = client.post(link.replace(BR, EU))
    assert response.status_code == 400
    assert Signature.objects.get().status == SignatureStatus.PENDING


def test_confirmation_email_is_in_the_signers_language(client, br_petition, eu_petition, run_tasks):
    sign(client, lang="pt-br", slug=BR, email="a@example.org")
    sign(client, lang="de", slug=EU, email="b@example.org", country="DE", region=None)
    run_tasks()
    by_recipient = {m.to[0]: m for m in mail.outbox}
    pt = by_recipient["a@example.org"]
    de = by_recipient["b@example.org"]
    assert pt.subject == "Confirme sua assinatura para #Tiremeurostodasuamira"
    assert "/pt-br/tiremeurostodasuamira/confirm/" in pt.body
    assert de.subject == "Bitte bestätige deine Unterschrift für #BanFacialRecognitionEU"
    assert "/de/banfacialrecognitioneu/confirm/" in de.body
    html = pt.alternatives[0][0]
    assert '<html lang="pt-br">' in html


def test_confirm_pending_confirms_a_plain_signer_in_one_statement(
    client, br_petition, django_assert_num_queries
):
    sign(client, lang="pt-br", slug="tiremeurostodasuamira", email="um@example.org")
    signature = Signature.objects.get()

    with django_assert_num_queries(1):
        outcome = confirm_pending(
            public_id=signature.public_id, campaign_id=br_petition.campaign_id
        )

    assert outcome == (True, None)
    signature.refresh_from_db()
    assert signature.status == SignatureStatus.CONFIRMED
    assert signature.confirmed_at is not None


def test_confirm_pending_leaves_other_campaigns_and_confirmed_signatures_alone(
    client, br_petition, eu_petition
):
    sign(client, lang="pt-br", slug="tiremeurostodasuamira", email="dois@example.org")
    signature = Signature.objects.get()

    assert confirm_pending(public_id=signature.public_id, campaign_id=eu_petition.campaign_id) == (
        False,
        None,
    )
    signature.refresh_from_db()
    assert signature.status == SignatureStatus.PENDING

    assert confirm_pending(public_id=signature.public_id, campaign_id=br_petition.campaign_id)[0]
    first_confirmed_at = Signature.objects.get().confirmed_at
    assert confirm_pending(public_id=signature.public_id, campaign_id=br_petition.campaign_id) == (
        False,
        None,
    )
    assert Signature.objects.get().confirmed_at == first_confirmed_at


def test_confirm_pending_queues_the_webhook_of_a_partner_the_signer_opted_in_to(
    client, br_petition
):
    widget = make_partner(
        br_petition, "Ours", domains=["ours.example"], webhook_url="https://hooks.example/x"
    )
    widget_sign(
        client, "tiremeurostodasuamira", widget.key, email="tres@example.org", partner_opt_in="on"
    )
    widget_sign(client, "tiremeurostodasuamira", widget.key, email="quatro@example.org")
    opted_in = Signature.objects.get(email="tres@example.org")
    not_opted_in = Signature.objects.get(email="quatro@example.org")

    confirmed, signature = confirm_pending(
        public_id=opted_in.public_id, campaign_id=br_petition.campaign_id
    )
    assert confirmed and signature.pk == opted_in.pk and signature.widget_id == widget.pk
    confirmed, signature = confirm_pending(
        public_id=not_opted_in.public_id, campaign_id=br_petition.campaign_id
    )
    assert confirmed and signature.pk == not_opted_in.pk

    assert list(WebhookDelivery.objects.values_list("signature__email", flat=True)) == [
        "tres@example.org"
    ]
