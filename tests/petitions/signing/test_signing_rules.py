"""One set of signing rules: the hosted form and the partner widget go through one service
(signing.sign_petition) and answer and store alike (docs/SECURITY.md, "Abuse rules for
signing")."""

import time
from types import SimpleNamespace

import pytest
from django.core import mail

from petitions.abuse import throttle
from petitions.abuse.throttle import over_limits, rate_check
from petitions.models import HeldReason, RateCounter, Signature
from petitions.signing.service import create_signature
from tests.petitions.helpers import form_token, sign, solve
from tests.petitions.widget_helpers import open_frame, widget_sign

BR = "tiremeurostodasuamira"
DEMO_BR = f"demo-{BR}"
ENTRY_POINTS = ["hosted", "widget"]
PUZZLE = "asks your browser to solve a small puzzle before signing"


@pytest.fixture
def campaigns(demo_campaigns):
    """The launch campaigns with the demo partner whose widget these tests sign through."""
    return demo_campaigns


@pytest.fixture(autouse=True)
def rate_clock_held_still(monkeypatch):
    """The limits' clock stands still, so no window ends mid-test."""
    now = time.time()
    monkeypatch.setattr(throttle, "time", SimpleNamespace(time=lambda: now))


def sign_through(entry: str, client, **fields):
    """Sign the Brazilian petition in English through the hosted form or the demo widget."""
    if entry == "hosted":
        return sign(client, lang="en", slug=BR, **fields)
    return widget_sign(client, BR, DEMO_BR, lang="en", **fields)


def stored(entry: str, response) -> bool:
    """Whether the answer is the entry point's "check your email" redirect."""
    if entry == "hosted":
        return (response.status_code, response["Location"]) == (303, f"/en/{BR}/check-email/")
    return response.status_code == 303 and response["Location"].startswith(f"/embed/{BR}/sent/")


@pytest.mark.parametrize("entry", ENTRY_POINTS)
def test_honeypot_hit_is_stored_held_without_email(entry, client, br_petition, run_tasks):
    response = sign_through(entry, client, comments="http://spam.example")
    assert stored(entry, response)
    assert Signature.objects.get().held_reason == HeldReason.HONEYPOT
    run_tasks()
    assert mail.outbox == []


@pytest.mark.parametrize("entry", ENTRY_POINTS)
def test_rate_limit_hit_is_stored_held_and_answered_alike(entry, client, br_petition, settings):
    settings.RATE_LIMIT_IP = "2/600"
    responses = [
        sign_through(entry, client, email=f"s{i}@example.org", name=f"Signer {i}") for i in range(3)
    ]
    assert [stored(entry, response) for response in responses] == [True] * 3
    assert list(Signature.objects.order_by("email").values_list("held_reason", flat=True)) == [
        "",
        "",
        HeldReason.RATE_IP,
    ]


@pytest.mark.parametrize("store", ["db", "cache"])
def test_both_entry_points_count_against_the_same_limits(store, client, br_petition, settings):
    settings.RATE_LIMIT_STORE = store
    settings.RATE_LIMIT_IP = "2/600"
    sign_through("hosted", client, email="a@example.org")
    sign_through("widget", client, email="b@example.org")
    sign_through("hosted", client, email="c@example.org")
    assert list(Signature.objects.order_by("email").values_list("email", "held_reason")) == [
        ("a@example.org", ""),
        ("b@example.org", ""),
        ("c@example.org", HeldReason.RATE_IP),
    ]


@pytest.mark.parametrize("entry", ENTRY_POINTS)
def test_disposable_address_is_held_and_still_gets_its_email(entry, client, br_petition, run_tasks):
    assert stored(entry, sign_through(entry, client, email="someone@mailinator.com"))
    assert Signature.objects.get().held_reason == HeldReason.DISPOSABLE
    run_tasks()
    assert [message.to for message in mail.outbox] == [["someone@mailinator.com"]]


@pytest.mark.parametrize("entry", ENTRY_POINTS)
def test_paused_petition_refuses_and_stores_nothing(entry, client, br_petition):
    br_petition.is_open = False
    br_petition.save()
    response = sign_through(entry, client)
    assert response.status_code == 403
    assert "Signing is paused for this petition." in response.content.decode()
    assert Signature.objects.count() == 0


@pytest.mark.parametrize("entry", ENTRY_POINTS)
def test_required_proof_of_work_refuses_without_a_solution_and_takes_one(
    entry, client, br_petition, settings
):
    settings.POW_DIFFICULTY_BITS = 8
    br_petition.require_pow = True
    br_petition.save()
    refused = sign_through(entry, client)
    assert refused.status_code == 400
    assert PUZZLE in refused.content.decode()
    assert Signature.objects.count() == 0
    if entry == "hosted":
        token = form_token(client, f"/en/{BR}/")
    else:
        _, token = open_frame(client, BR, DEMO_BR, lang="en")
    assert stored(entry, sign_through(entry, client, pow=solve(token, 8)))
    assert Signature.objects.count() == 1


@pytest.mark.parametrize("entry", ENTRY_POINTS)
def test_invalid_fields_and_forged_tokens_store_nothing(entry, client, br_petition):
    assert sign_through(entry, client, name="").status_code == 400
    assert sign_through(entry, client, form_token="1:forged:token").status_code == 400
    assert Signature.objects.count() == 0


@pytest.mark.parametrize("entry", ENTRY_POINTS)
def test_a_second_signature_of_an_address_is_answered_alike_and_stored_once(
    entry, client, br_petition
):
    first = sign_through(entry, client)
    again = sign_through(entry, client, name="Maria S.")
    assert stored(entry, first) and stored(entry, again)
    assert first["Location"] == again["Location"]
    assert list(Signature.objects.values_list("name", flat=True)) == ["Maria da Silva"]


@pytest.mark.parametrize("entry", ENTRY_POINTS)
def test_consents_are_recorded_with_the_shown_texts(entry, client, br_petition):
    sign_through(entry, client, updates_opt_in="on")
    signature = Signature.objects.get()
    kinds = sorted(signature.consents.values_list("text__kind", flat=True))
    assert kinds == ["privacy", "updates"]
    assert signature.locale == "en"


def test_signing_and_other_limits_move_the_same_counters(br_petition):
    """The signing procedure and throttle.count_in_database are the two writers of the
    counters: a limit counted by one is seen by the other."""
    check = rate_check("ip:shared", "5/600", HeldReason.RATE_IP)
    create_signature(
        petition=br_petition,
        name="Counted",
        email="counted@example.org",
        country="BR",
        region="BR-SP",
        locale="en",
        consent_text_ids=[],
        rate_checks=[check],
    )
    assert over_limits([("ip:shared", "1/600")]) == [True]
    assert RateCounter.objects.get(key=check.counter).count == 2
