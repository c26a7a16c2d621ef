"""Issue 17: no mail bombing, no phishing relay; input cleaned at the edge."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest
from django.core import mail
from django.test import Client

from petitions.addresses import normalise_email
from petitions.models import HeldReason, Signature
from tests.petitions.helpers import form_token, sign

BR = "tiremeurostodasuamira"
EU = "banfacialrecognitioneu"
LINK = re.compile(r"http://testserver/\S+/")
PHISHING_NAME = "URGENT account locked, log in at https://evil.example/login"


def resend_by_address(client: Client, email: str, **extra):
    token = form_token(client, f"/en/{BR}/resend/")
    return client.post(f"/en/{BR}/resend/", {"email": email, "form_token": token}, **extra)


# Re-send bounds -----------------------------------------------------------------------------


def test_confirmation_email_rate_default_is_the_documented_one(settings):
    # README.md and docs/SECURITY.md name these numbers.
    assert (settings.CONFIRMATION_EMAIL_RATE, settings.RATE_LIMIT_RESEND_IP) == (
        "3/86400",
        "5/3600",
    )


def test_resend_ten_times_from_one_client_sends_three_emails(client, br_petition, run_tasks):
    sign(client, lang="en", slug=BR, email="target@example.org", country="PT", region=None)
    answers = {
        (r.status_code, r["Location"])
        for r in (resend_by_address(client, "target@example.org") for _ in range(10))
    }
    run_tasks()
    assert answers == {(303, f"/en/{BR}/check-email/")}
    assert [message.to for message in mail.outbox] == [["target@example.org"]] * 3


def test_resend_ten_times_from_ten_clients_sends_three_emails(br_petition, run_tasks):
    sign(Client(), lang="en", slug=BR, email="target@example.org", country="PT", region=None)
    answers = set()
    for n in range(10):
        client = Client(REMOTE_ADDR=f"198.51.100.{n + 1}")
        response = resend_by_address(client, "target@example.org")
        answers.add((response.status_code, response["Location"]))
    run_tasks()
    assert answers == {(303, f"/en/{BR}/check-email/")}
    assert len(mail.outbox) == 3


def test_signing_again_ten_times_from_ten_clients_sends_three_emails(br_petition, run_tasks):
    for n in range(11):
        client = Client(REMOTE_ADDR=f"198.51.100.{n + 1}")
        response = sign(
            client, lang="en", slug=BR, email="target@example.org", country="PT", region=None
        )
        assert (response.status_code, response["Location"]) == (303, f"/en/{BR}/check-email/")
    run_tasks()
    assert Signature.objects.count() == 1
    assert len(mail.outbox) == 3


def test_held_signature_gets_no_resend_beyond_the_bound(settings, br_petition, run_tasks):
    settings.RATE_LIMIT_IP = "0/600"
    sign(Client(), lang="en", slug=BR, email="target@example.org", country="PT", region=None)
    assert Signature.objects.get().held_reason == HeldReason.RATE_IP
    for n in range(10):
        resend_by_address(Client(REMOTE_ADDR=f"198.51.100.{n + 1}"), "target@example.org")
    run_tasks()
    assert len(mail.outbox) == 3


def test_resend_per_client_bound_counts_resend_and_signing_again(
    settings, client, br_petition, run_tasks
):
    settings.CONFIRMATION_EMAIL_RATE = "100/86400"
    sign(client, lang="en", slug=BR, email="a@example.org", country="PT", region=None)
    sign(client, lang="en", slug=BR, email="b@example.org", country="PT", region=None)
    for _ in range(3):
        sign(client, lang="en", slug=BR, email="a@example.org", country="PT", region=None)
    for _ in range(7):
        resend_by_address(client, "b@example.org")
    run_tasks()
    # Two first emails, then five re-sends for this client (3 by signing again, 2 by /resend/).
    assert sorted(m.to[0] for m in mail.outbox) == ["a@example.org"] * 4 + ["b@example.org"] * 3


# No phishing relay --------------------------------------------------------------------------

EXPECTED_BODY = """Hello,

Thank you for signing “Take my face out of your sights: a total ban on facial recognition in Brazil's public security”. Your signature only counts once you confirm it. Open this link and press the confirm button:

{confirm}

The link works for 7 days. If you did not sign, ignore this email: without confirmation the signature is deleted.

#Tiremeurostodasuamira
http://testserver/en/tiremeurostodasuamira/

--
Withdraw my signature: {withdraw}
Email me a copy of my data: {data}
These links work for 90 days.


"""


def test_confirmation_email_does_not_echo_the_name(client, br_petition, run_tasks):
    sign(client, lang="en", slug=BR, name=PHISHING_NAME, email="a@example.org", country="PT")
    run_tasks()
    (message,) = mail.outbox
    confirm, _campaign, withdraw, data = LINK.findall(message.body)
    assert message.body == EXPECTED_BODY.format(confirm=confirm, withdraw=withdraw, data=data)
    html = message.alternatives[0][0]
    assert ("evil" in html, "URGENT" in html, "<p>Hello,</p>" in html) == (False, False, True)
    assert Signature.objects.get().name == PHISHING_NAME


# Control characters at the edge -------------------------------------------------------------


@pytest.fixture
def no_debug(settings):
    settings.DEBUG = False


def test_api_partner_nul_answers_200_without_partner(no_debug, client, campaigns):
    response = client.get(f"/api/v1/petitions/{EU}?partner=%00")
    assert (response.status_code, response.json()["partner"]) == (200, None)


def test_api_partner_key_with_nul_is_the_key(no_debug, client, demo_campaigns):
    response = client.get(f"/api/v1/petitions/{EU}?partner=demo-{EU}%00")
    assert (response.status_code, response.json()["partner"]) == (
        200,
        {"key": f"demo-{EU}", "name": response.json()["partner"]["name"], "signatures": 0},
    )


def test_thanks_page_with_nul_partner_answers_200(no_debug, client, demo_campaigns):
    response = client.get(f"/en/{BR}/thanks/?partner=%00&via=%00")
    assert (response.status_code, response.context["partner_share"]) == (200, None)
    with_key = client.get(f"/en/{BR}/thanks/?partner=demo-{BR}%00")
    assert (with_key.status_code, with_key.context["partner_share"]["url"]) == (
        200,
        f"http://testserver/en/{BR}/?partner=demo-{BR}",
    )


def test_widget_frame_with_nul_answers_like_without(no_debug, client, demo_campaigns):
    statuses = [
        client.get(f"/embed/{BR}/?partner=%00").status_code,
        client.get(f"/embed/{BR}/?partner=").status_code,
        client.get(f"/embed/{BR}/?partner=demo-{BR}%00&lang=en%00&source=a%00").status_code,
    ]
    assert statuses == [404, 404, 200]


def test_sign_with_nul_in_query_and_fields_signs_without_it(no_debug, client, br_petition):
    token = form_token(client, f"/en/{BR}/")
    response = client.post(
        f"/en/{BR}/sign/?source=%00&ref=news%00letter",
        urlencode(
            {
                "name": "Ana\x00 Silva",
                "email": "ana@example.org\x00",
                "country": "BR",
                "region": "BR-SP",
                "privacy_consent": "on",
                "form_token": token,
                "source\x00": "x",
            }
        ),
        content_type="application/x-www-form-urlencoded",
    )
    assert (response.status_code, response["Location"]) == (303, f"/en/{BR}/check-email/")
    signature = Signature.objects.get()
    assert (signature.name, signature.email, signature.source, signature.ref) == (
        "Ana Silva",
        "ana@example.org",
        "x",
        "newsletter",
    )


def test_sign_multipart_with_nul_answers_400(no_debug, client, br_petition):
    token = form_token(client, f"/en/{BR}/")
    response = client.post(
        f"/en/{BR}/sign/",
        {
            "name": "Ana",
            "email": "ana@example.org",
            "country": "PT",
            "privacy_consent": "on",
            "form_token": token,
            "source": "\x00",
        },
        format="multipart",
    )
    assert (response.status_code, Signature.objects.count()) == (400, 0)


# Email addresses ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ('"john"@gmail.com', "john@gmail.com"),
        ('"j.o.h.n+x"@googlemail.com', "john@gmail.com"),
        ('"jo\\hn"@example.org', "john@example.org"),
        ('"jo hn"@example.org', '"jo hn"@example.org'),
        ("jo@bücher.example", "jo@xn--bcher-kva.example"),
        ("jo@XN--BCHER-KVA.example", "jo@xn--bcher-kva.example"),
        ("jo@BÜCHER.example.", "jo@xn--bcher-kva.example"),
        ("ſam@example.org", "sam@example.org"),
        ("\u212aim@example.org", "kim@example.org"),
        ("ＡＮＡ@example.org", "ana@example.org"),
    ],
)
def test_normalise_email_folds_equivalent_forms(typed, key):
    assert normalise_email(typed) == key


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("john@gmail.com", '"john"@gmail.com'),
        ("jo@bücher.example", "jo@xn--bcher-kva.example"),
        ("sam@example.org", "ſam@example.org"),
    ],
)
def test_sign_with_equivalent_address_is_a_duplicate(client, br_petition, first, second):
    for email in (first, second):
        response = sign(client, lang="en", slug=BR, email=email, country="PT", region=None)
        assert (response.status_code, response["Location"]) == (303, f"/en/{BR}/check-email/")
    assert list(Signature.objects.values_list("email", flat=True)) == [first]


LOCAL_DOMAIN = "Please use an email address at an internet domain, like name@example.org."
INVALID = "Please enter a valid email address, like name@example.org."


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("user@localhost", LOCAL_DOMAIN),
        ("user@mail.localhost", LOCAL_DOMAIN),
        ("user@[127.0.0.1]", LOCAL_DOMAIN),
        ("user@[::1]", LOCAL_DOMAIN),
        # Django's validator already wants a top-level domain of letters here.
        ("user@intranet", INVALID),
        ("user@127.0.0.1", INVALID),
    ],
)
def test_sign_refuses_local_and_ip_domains(client, br_petition, email, message):
    response = sign(client, lang="en", slug=BR, email=email, country="PT", region=None)
    assert response.status_code == 400
    assert response.context["form"].errors == {"email": [message]}
    assert Signature.objects.count() == 0


# Names --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("مهر\u200cنوش", "مهر\u200cنوش"),  # Persian: ZWNJ inside the name
        ("क्\u200dष", "क्\u200dष"),  # Devanagari: ZWJ
        ("Ana 👩\u200d💻", "Ana 👩\u200d💻"),  # an emoji sequence
        ("\u200dAna\u200c", "Ana"),  # joiners at the ends join nothing
    ],
)
def test_sign_keeps_joiners_inside_names(client, br_petition, typed, stored):
    response = sign(client, lang="en", slug=BR, name=typed, country="PT", region=None)
    assert response.status_code == 303
    assert Signature.objects.get().name == stored


@pytest.mark.parametrize("name", ["Ana\u200bSilva", "Ana\u2066Silva", "\u200d\u200c"])
def test_sign_refuses_other_format_characters_in_names(client, br_petition, name):
    response = sign(client, lang="en", slug=BR, name=name, country="PT", region=None)
    assert response.status_code == 400
    assert response.context["form"].errors["name"] in (
        ["Please remove special control characters from your name."],
        ["Please enter your name."],
    )
    assert Signature.objects.count() == 0


# Consent ------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["0", "false", "False", "off", "no", "", "nope"])
def test_sign_refuses_consent_values_that_mean_no(client, br_petition, value):
    response = sign(client, lang="en", slug=BR, privacy_consent=value, country="PT", region=None)
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "privacy_consent": [
            "Please agree to the privacy notice, or your signature cannot be counted."
        ]
    }
    assert Signature.objects.count() == 0


@pytest.mark.parametrize("value", ["on", "true", "1"])
def test_sign_accepts_a_ticked_consent(client, br_petition, value):
    response = sign(client, lang="en", slug=BR, privacy_consent=value, country="PT", region=None)
    assert (response.status_code, Signature.objects.count()) == (303, 1)


def test_sign_reads_updates_opt_in_zero_as_no(client, br_petition):
    sign(client, lang="en", slug=BR, updates_opt_in="0", country="PT", region=None)
    assert Signature.objects.get().updates_opt_in is False


# API methods --------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["post", "put", "delete", "patch"])
def test_api_writes_answer_405_with_allow_under_csrf(campaigns, method):
    client = Client(enforce_csrf_checks=True)
    response = getattr(client, method)(
        f"/api/v1/petitions/{EU}", data="{}", content_type="application/json"
    )
    assert (response.status_code, response["Allow"]) == (405, "GET, HEAD")
