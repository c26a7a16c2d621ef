"""Floods, spoofed proxies, races, honeypot, fast humans, disposable domains, proof of work."""

import threading
import time
from types import SimpleNamespace

import pytest
from django.conf import settings as conf
from django.core import mail
from django.db import connection, transaction
from django.test import Client

from petitions.abuse import throttle
from petitions.abuse.rules import (
    held_reason_after_counting,
    hold_for_signature,
    is_disposable,
    pow_solved,
)
from petitions.abuse.throttle import hit, over_limit, rate_check
from petitions.addresses import normalise_email
from petitions.models import HeldReason, RateCounter, Signature
from petitions.reporting.counting import petition_counts
from petitions.signing.forms import HONEYPOT_FIELD
from petitions.signing.service import create_signature
from petitions.tokens import make_form_token
from tests import factories
from tests.conftest import confirm_link
from tests.petitions.helpers import confirm_signature, form_token, solve

BR = "tiremeurostodasuamira"
EU = "banfacialrecognitioneu"


@pytest.fixture(autouse=True)
def rate_clock_held_still(monkeypatch):
    """Rate windows follow the clock: a test running across a window's end would see its
    events split between two counters. The limits' clock stands still during each test."""
    now = time.time()
    monkeypatch.setattr(throttle, "time", SimpleNamespace(time=lambda: now))


def post_signature(client, token, *, email, remote="203.0.113.7", slug=EU, **extra):
    data = {
        "name": "Flood Bot",
        "email": email,
        "country": "DE",
        "privacy_consent": "on",
        "form_token": token,
    }
    data.update(extra.pop("data", {}))
    return client.post(f"/en/{slug}/sign/", data, REMOTE_ADDR=remote, **extra)


def confirm_all():
    for public_id in Signature.objects.values_list("public_id", flat=True):
        confirm_signature(public_id=public_id)


def test_flood_from_one_ip_is_held_while_another_signer_counts(client, eu_petition, settings):
    settings.RATE_LIMIT_IP = "10/600"
    token = form_token(client, f"/en/{EU}/")
    answers = {
        post_signature(client, token, email=f"bot{i}@example.net").status_code for i in range(200)
    }
    normal = post_signature(client, token, email="real.person@gmail.com", remote="198.51.100.9")
    confirm_all()
    assert answers == {303}
    assert normal.status_code == 303
    assert normal["Location"] == f"/en/{EU}/check-email/"
    held = Signature.objects.filter(held_reason=HeldReason.RATE_IP)
    assert held.count() == 190
    assert Signature.objects.get(email="real.person@gmail.com").held_reason == ""
    assert petition_counts(petition_id=eu_petition.pk).total == 11


def test_flood_from_one_domain_over_many_ips_is_held(client, eu_petition, settings):
    settings.RATE_LIMIT_DOMAIN = "20/600"
    token = form_token(client, f"/en/{EU}/")
    for i in range(200):
        response = post_signature(
            client, token, email=f"user{i}@flood.example", remote=f"10.0.{i // 250}.{i % 250}"
        )
        assert response.status_code == 303
    normal = post_signature(client, token, email="ana@example.org", remote="198.51.100.9")
    confirm_all()
    assert normal.status_code == 303
    assert Signature.objects.filter(held_reason=HeldReason.RATE_DOMAIN).count() == 180
    assert Signature.objects.get(email="ana@example.org").held_reason == ""
    assert petition_counts(petition_id=eu_petition.pk).total == 21


def test_spoofed_forwarded_for_does_not_bypass_the_ip_limit(client, eu_petition, settings):
    settings.RATE_LIMIT_IP = "5/600"
    settings.TRUSTED_PROXY_COUNT = 0
    token = form_token(client, f"/en/{EU}/")
    for i in range(30):
        post_signature(
            client, token, email=f"s{i}@example.net", HTTP_X_FORWARDED_FOR=f"192.0.2.{i}"
        )
    assert Signature.objects.filter(held_reason="").count() == 5
    assert Signature.objects.filter(held_reason=HeldReason.RATE_IP).count() == 25


def test_trusted_proxy_uses_the_address_it_saw_not_what_the_client_wrote(
    client, eu_petition, settings
):
    settings.RATE_LIMIT_IP = "5/600"
    settings.TRUSTED_PROXY_COUNT = 1
    token = form_token(client, f"/en/{EU}/")
    for i in range(30):
        # The client forges the left part; our proxy appends the real address on the right.
        post_signature(
            client,
            token,
            email=f"s{i}@example.net",
            remote="127.0.0.1",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{i}, 203.0.113.50",
        )
    other = post_signature(
        client,
        token,
        email="other@example.org",
        remote="127.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.3",
    )
    assert other.status_code == 303
    assert Signature.objects.filter(held_reason=HeldReason.RATE_IP).count() == 25
    assert Signature.objects.get(email="other@example.org").held_reason == ""


@pytest.mark.parametrize("store", ["db", "cache"])
@pytest.mark.django_db(transaction=True)
def test_concurrent_hits_cannot_slip_past_a_limit(store, settings):
    settings.RATE_LIMIT_STORE = store
    results = []
    barrier = threading.Barrier(24)

    def attempt():
        try:
            barrier.wait(timeout=10)
            results.append(over_limit("race", "10/600"))
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(24)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False] * 10 + [True] * 14


@pytest.mark.django_db(transaction=True)
def test_concurrent_signing_from_one_ip_counts_exactly_the_limit(campaigns, settings):
    settings.RATE_LIMIT_IP = "5/600"
    petition = campaigns[EU].petition
    token = make_form_token(petition_id=petition.pk)
    barrier = threading.Barrier(16)
    codes = []

    def sign_once(i):
        try:
            barrier.wait(timeout=10)
            codes.append(post_signature(Client(), token, email=f"t{i}@example.net").status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=sign_once, args=(i,)) for i in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert codes == [303] * 16
    assert Signature.objects.filter(held_reason="").count() == 5
    assert Signature.objects.filter(held_reason=HeldReason.RATE_IP).count() == 11


def test_hit_counts_per_window_in_the_database(db, settings):
    settings.RATE_LIMIT_STORE = "db"
    assert [hit("k", window=600) for _ in range(3)] == [1, 2, 3]
    assert hit("other", window=600) == 1


def test_honeypot_signature_is_held_without_email_and_looks_the_same(
    client, eu_petition, run_tasks
):
    token = form_token(client, f"/en/{EU}/")
    response = post_signature(client, token, email="bot@example.net", data={"comments": "spam"})
    assert response.status_code == 303
    assert response["Location"] == f"/en/{EU}/check-email/"
    assert Signature.objects.get().held_reason == HeldReason.HONEYPOT
    run_tasks()
    assert mail.outbox == []


def test_honeypot_is_out_of_reach_of_people_and_of_autofill(client, eu_petition):
    body = client.get(f"/en/{EU}/").content.decode()
    assert HONEYPOT_FIELD == "comments"
    assert (
        '<div class="hp" aria-hidden="true">\n'
        '    <label for="id_comments">Leave this field empty</label>\n'
        '    <input type="text" name="comments" id="id_comments" value="" tabindex="-1"'
        ' autocomplete="off">\n'
        "  </div>"
    ) in body
    # Not rendered, so not focusable: browsers' autofill only fills fields that can take focus.
    for path in ("css/site.css", "css/embed.css"):
        assert ".hp { display: none; }" in (conf.BASE_DIR / "static" / path).read_text()


def test_a_human_who_sends_the_form_at_once_gets_the_email_and_counts(
    client, eu_petition, run_tasks
):
    """Autofill fills the form in a second: no fill time holds it or drops its email."""
    token = form_token(client, f"/en/{EU}/")
    response = post_signature(client, token, email="quick@example.net")
    assert (response.status_code, response["Location"]) == (303, f"/en/{EU}/check-email/")
    assert Signature.objects.get().held_reason == ""
    run_tasks()
    (message,) = mail.outbox
    assert message.to == ["quick@example.net"]
    confirmed = client.post(
        confirm_link(message).replace("http://testserver", ""), HTTP_ORIGIN="http://testserver"
    )
    assert confirmed.status_code == 303
    assert petition_counts(petition_id=eu_petition.pk).total == 1


def test_disposable_domain_is_held_and_its_email_still_sent(client, eu_petition, run_tasks):
    token = form_token(client, f"/en/{EU}/")
    post_signature(client, token, email="someone@mailinator.com")
    assert Signature.objects.get().held_reason == HeldReason.DISPOSABLE
    run_tasks()
    assert [m.to for m in mail.outbox] == [["someone@mailinator.com"]]


def test_disposable_list_matches_subdomains_but_not_ordinary_domains():
    assert is_disposable("mailinator.com")
    assert is_disposable("x.mailinator.com")
    assert not is_disposable("gmail.com")
    assert not is_disposable("example.org")
    assert not is_disposable("com")


def test_held_reasons_have_a_fixed_priority(db):
    common = {"petition_id": 1, "ip_hash": "h"}
    assert held_reason_after_counting(email="a@example.org", honeypot="", **common) == ""
    assert (
        held_reason_after_counting(email="a@example.org", honeypot="x", **common)
        == HeldReason.HONEYPOT
    )
    assert (
        held_reason_after_counting(email="a@yopmail.com", honeypot="", **common)
        == HeldReason.DISPOSABLE
    )


def sign_counted(petition, email, checks, held_reason=""):
    create_signature(
        petition=petition,
        name="Counted Signer",
        email=email,
        country="DE",
        locale="en",
        consent_text_ids=[],
        held_reason=held_reason,
        rate_checks=checks,
    )
    return Signature.objects.get(email=email).held_reason


def test_signing_call_counts_its_limits_and_holds_for_the_first_one_over(eu_petition):
    checks = [
        rate_check("ip:a", "5/600", HeldReason.RATE_IP),
        rate_check("domain:x.org", "1/600", HeldReason.RATE_DOMAIN),
        rate_check("petition:p", "0/600", HeldReason.RATE_PETITION),
    ]
    assert sign_counted(eu_petition, "one@x.org", checks) == HeldReason.RATE_PETITION
    assert sign_counted(eu_petition, "two@x.org", checks) == HeldReason.RATE_DOMAIN
    assert sign_counted(eu_petition, "three@x.org", checks, HeldReason.DISPOSABLE) == (
        HeldReason.DISPOSABLE
    )
    # An address that signed already still counts against the limits.
    sign_counted(eu_petition, "one@x.org", checks)
    counts = dict(RateCounter.objects.values_list("key", "count"))
    assert sorted(counts.values()) == [4, 4, 4]
    assert set(counts) == {check.counter for check in checks}


@pytest.mark.django_db(transaction=True)
def test_signing_call_commits_its_counters_first_outside_a_transaction(campaigns):
    petition = campaigns[EU].petition
    checks = [rate_check("ip:b", "1/600", HeldReason.RATE_IP)]
    assert sign_counted(petition, "first@example.net", checks) == ""
    assert sign_counted(petition, "second@example.net", checks) == HeldReason.RATE_IP
    assert RateCounter.objects.get().count == 2
    with pytest.raises(RuntimeError), transaction.atomic():
        sign_counted(petition, "third@example.net", checks)
        raise RuntimeError
    # Inside a transaction the counters join it, and roll back with the signature.
    assert RateCounter.objects.get().count == 2
    assert not Signature.objects.filter(email="third@example.net").exists()


def test_hosted_form_leaves_database_counters_to_the_signing_call(db, settings):
    settings.RATE_LIMIT_STORE = "db"
    common = {"petition_id": 7, "ip_hash": "h", "honeypot": ""}
    hold = hold_for_signature(email="a@yopmail.com", **common)
    assert hold.reason == HeldReason.DISPOSABLE
    assert [check.reason for check in hold.rate_checks] == [
        HeldReason.RATE_IP,
        HeldReason.RATE_DOMAIN,
        HeldReason.RATE_PETITION,
    ]
    assert not RateCounter.objects.exists()


def test_hosted_form_counts_in_the_cache_when_the_counters_live_there(db, settings):
    settings.RATE_LIMIT_STORE = "cache"
    settings.RATE_LIMIT_IP = "1/600"
    common = {"petition_id": 7, "ip_hash": "h2", "honeypot": ""}
    assert hold_for_signature(email="a@example.org", **common).reason == ""
    second = hold_for_signature(email="b@example.org", **common)
    assert (second.reason, second.rate_checks) == (HeldReason.RATE_IP, ())


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("J.Doe+petitions@Gmail.com", "jdoe@gmail.com"),
        ("j.doe@googlemail.com", "jdoe@gmail.com"),
        ("jane+eu@outlook.com", "jane@outlook.com"),
        ("jane.doe@outlook.com", "jane.doe@outlook.com"),
        ("jane+x@hotmail.com", "jane@hotmail.com"),
        ("ana+tag@proton.me", "ana@proton.me"),
        ("ana.b+tag@example.org", "ana.b+tag@example.org"),
        ("ana.b@yahoo.com", "ana.b@yahoo.com"),
        ("+only@gmail.com", "+only@gmail.com"),
        ("  Ana@Example.ORG ", "ana@example.org"),
    ],
)
def test_normalise_email_folds_only_what_the_provider_ignores(typed, key):
    assert normalise_email(typed) == key


def test_gmail_variants_sign_once(client, eu_petition):
    token = form_token(client, f"/en/{EU}/")
    for email in ["jane.doe@gmail.com", "JaneDoe+eu@googlemail.com", "j.a.n.e.d.o.e@gmail.com"]:
        assert post_signature(client, token, email=email).status_code == 303
    assert list(Signature.objects.values_list("email", "email_key")) == [
        ("jane.doe@gmail.com", "janedoe@gmail.com")
    ]


def test_required_proof_of_work_refuses_a_signature_without_it(client, eu_petition, settings):
    settings.POW_DIFFICULTY_BITS = 8
    eu_petition.require_pow = True
    eu_petition.save()
    page = client.get(f"/en/{EU}/").content.decode()
    assert 'data-pow-bits="8"' in page
    assert "/static/js/pow.js" in page
    assert "<noscript>" in page
    token = form_token(client, f"/en/{EU}/")
    response = post_signature(client, token, email="nojs@example.org")
    assert response.status_code == 400
    assert "asks your browser to solve a small puzzle" in response.content.decode()
    assert Signature.objects.count() == 0


def test_required_proof_of_work_accepts_a_solution_once(client, eu_petition, settings):
    settings.POW_DIFFICULTY_BITS = 8
    eu_petition.require_pow = True
    eu_petition.save()
    token = form_token(client, f"/en/{EU}/")
    solution = solve(token, 8)
    first = post_signature(client, token, email="a@example.org", data={"pow": solution})
    replay = post_signature(client, token, email="b@example.org", data={"pow": solution})
    assert (first.status_code, replay.status_code) == (303, 400)
    assert list(Signature.objects.values_list("email", flat=True)) == ["a@example.org"]


@pytest.mark.parametrize("solution", ["", "abc", "0123456789abcdef.x", "ZZZZZZZZ.1", "01234567.1"])
def test_pow_rejects_malformed_or_wrong_solutions(db, settings, solution):
    settings.POW_DIFFICULTY_BITS = 30
    assert pow_solved(form_token="1:abc:def", solution=solution) is False


def test_admin_releases_and_deletes_held_signatures(admin_client, eu_petition):
    from petitions.models import Signature as S

    rows = [
        factories.signature(
            petition=eu_petition,
            name=f"Held {i}",
            email=f"h{i}@example.org",
            confirmed=False,
            held_reason=HeldReason.RATE_IP,
        )
        for i in range(3)
    ]
    for row in rows:
        confirm_signature(public_id=row.public_id)
    assert petition_counts(petition_id=eu_petition.pk).total == 0
    url = "/admin/petitions/signature/"
    released = admin_client.post(
        url, {"action": "release_held", "_selected_action": [rows[0].pk, rows[1].pk]}
    )
    assert released.status_code == 302
    assert petition_counts(petition_id=eu_petition.pk).total == 2
    admin_client.post(url, {"action": "delete_held", "_selected_action": [r.pk for r in rows]})
    assert sorted(S.objects.values_list("name", flat=True)) == ["Held 0", "Held 1"]
    assert petition_counts(petition_id=eu_petition.pk).total == 2
    page = admin_client.get(url + "?held=yes")
    assert page.status_code == 200
