import gzip
import html
import re
import time
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.core import mail, signing
from django.core.cache import caches
from django.utils import translation
from django.utils.translation import gettext

from campaign.campaigns.models import Partner
from petitions.abuse import throttle
from petitions.models import Consent, HeldReason, Signature, Widget
from petitions.seeding import seed_demo_partner
from petitions.tokens import WIDGET_SALT
from tests.conftest import confirm_link
from tests.petitions.helpers import sign, solve
from tests.petitions.widget_helpers import (
    SITE,
    frame_url,
    make_partner,
    open_frame,
    widget_sign,
)

BR = "tiremeurostodasuamira"
EU = "banfacialrecognitioneu"
DEMO_BR = f"demo-{BR}"
DEMO_EU = f"demo-{EU}"


@pytest.fixture
def campaigns(campaigns):
    """The launch campaigns with their demo partners, which this file's tests embed."""
    for campaign in campaigns.values():
        seed_demo_partner(campaign, campaign.petition)
    return campaigns


def gzipped_size(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=9))


def test_loader_is_small_cacheable_and_cookie_free(client, campaigns):
    response = client.get(f"/embed/{BR}.js")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert response["Cache-Control"] == "public, max-age=3600"
    assert not response.cookies
    assert gzipped_size(response.content) <= 3 * 1024
    compressed = client.get(f"/embed/{BR}.js", HTTP_ACCEPT_ENCODING="gzip")
    assert compressed["Content-Encoding"] == "gzip"
    assert len(compressed.content) <= 3 * 1024


def test_loader_of_unknown_campaign_is_404(client, campaigns):
    assert client.get("/embed/nope.js").status_code == 404


def test_frame_allows_only_registered_domains_and_sets_no_cookie(client, br_petition):
    response = client.get(frame_url(BR, DEMO_BR, lang="en"))
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "frame-ancestors 'self' http://localhost:* https://localhost:* "
        "http://127.0.0.1:* https://127.0.0.1:*; form-action 'self'; base-uri 'none'"
    )
    assert "X-Frame-Options" not in response
    assert response["Cache-Control"] == "public, max-age=30"
    assert not response.cookies
    body = response.content.decode()
    assert "<style" not in body and " style=" not in body
    assert re.findall(r"<script[^>]*>", body) == ['<script src="/static/js/embed-frame.js" defer>']


def test_frame_is_served_from_the_server_cache_with_its_own_partners_policy(
    client, br_petition, settings, django_assert_num_queries
):
    settings.PAGE_CACHE_SECONDS = 5
    caches["pages"].clear()
    other = make_partner(br_petition, "Other", domains=["other.example"])
    urls = {
        DEMO_BR: frame_url(BR, DEMO_BR, lang="en", origin="http://localhost:8080"),
        other.key: frame_url(BR, other.key, lang="en", origin="https://other.example"),
    }
    first = {key: client.get(url) for key, url in urls.items()}
    with django_assert_num_queries(0):
        second = {key: client.get(url) for key, url in urls.items()}
    ancestors = {
        DEMO_BR: "'self' http://localhost:* https://localhost:* "
        "http://127.0.0.1:* https://127.0.0.1:*",
        other.key: "'self' http://other.example:* https://other.example:*",
    }
    for key in urls:
        response = second[key]
        assert (response.status_code, response.content) == (200, first[key].content)
        assert {
            name: response.get(name)
            for name in ("Cache-Control", "Content-Security-Policy", "Content-Type", "ETag")
        } == {
            "Cache-Control": "public, max-age=30",
            "Content-Security-Policy": (
                "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                f"frame-ancestors {ancestors[key]}; form-action 'self'; base-uri 'none'"
            ),
            "Content-Type": "text/html; charset=utf-8",
            "ETag": first[key]["ETag"],
        }
        assert ("X-Frame-Options" in response, response.cookies) == (False, {})
        assert "Referer" not in response.get("Vary", "")


def test_cached_plain_iframe_keeps_each_embedding_pages_origin(client, br_petition, settings):
    settings.PAGE_CACHE_SECONDS = 5
    caches["pages"].clear()
    url = frame_url(BR, DEMO_BR, lang="en")
    referers = ["https://127.0.0.1/a", "http://localhost:8080/b", "https://127.0.0.1/c", ""]
    answers = [client.get(url, HTTP_REFERER=referer) for referer in referers]
    origins = [parse_qs(urlsplit(frame_action(r)).query).get("origin") for r in answers]
    assert origins == [
        ["https://127.0.0.1"],
        ["http://localhost:8080"],
        ["https://127.0.0.1"],
        None,
    ]
    assert [[v.strip() for v in r["Vary"].split(",")].count("Referer") for r in answers] == [
        1,
        1,
        1,
        1,
    ]


def test_frame_of_unknown_partner_is_refused_with_the_cache_on(client, br_petition, settings):
    settings.PAGE_CACHE_SECONDS = 5
    caches["pages"].clear()
    assert [client.get(frame_url(BR, "no-such-key")).status_code for _ in range(2)] == [404, 404]
    Widget.objects.filter(key=DEMO_BR).delete()
    assert client.get(frame_url(BR, DEMO_BR)).status_code == 404


def frame_action(response) -> str:
    return html.unescape(re.search(r'action="([^"]+)"', response.content.decode()).group(1))


def test_frame_of_unknown_widget_or_other_petitions_widget_is_404(client, campaigns):
    assert client.get(frame_url(BR, "no-such-key")).status_code == 404
    assert client.get(frame_url(BR, DEMO_EU)).status_code == 404


def test_frame_requests_nothing_from_other_hosts_and_fits_its_budget(client, br_petition):
    response = client.get(frame_url(BR, DEMO_BR, lang="pt-br"))
    body = response.content
    # Everything the page loads (src=, <link href=) is on our own origin.
    loaded = re.findall(rb'<(?:script|img|iframe|link)[^>]*(?:src|href)="([^"]+)"', body)
    assert loaded == [b"/static/css/embed.css", b"/static/js/embed-frame.js"]
    assets = b"".join(
        (settings.BASE_DIR / "static" / path).read_bytes()
        for path in ("css/embed.css", "js/embed-frame.js")
    )
    total = gzipped_size(body) + gzipped_size(assets)
    assert total <= 30 * 1024, total
    compressed = client.get(frame_url(BR, DEMO_BR, lang="pt-br"), HTTP_ACCEPT_ENCODING="gzip")
    assert compressed["Content-Encoding"] == "gzip"


def test_frame_uses_widget_language_unless_the_page_asks_for_an_offered_one(client, eu_petition):
    assert '<html lang="en"' in client.get(frame_url(EU, DEMO_EU)).content.decode()
    assert '<html lang="de"' in client.get(frame_url(EU, DEMO_EU, lang="de")).content.decode()
    Widget.objects.filter(key=DEMO_EU).update(language="fr")
    assert '<html lang="fr"' in client.get(frame_url(EU, DEMO_EU, lang="xx")).content.decode()


def test_frame_accent_is_validated_and_given_a_readable_text_colour(client, br_petition):
    body = client.get(frame_url(BR, DEMO_BR, accent="#ffee00", compact="1")).content.decode()
    assert 'class="compact" data-accent="#ffee00" data-accent-text="#000000"' in body
    body = client.get(frame_url(BR, DEMO_BR, accent="red;x:y")).content.decode()
    assert "data-accent" not in body


def test_widget_partner_box_is_unticked_and_names_the_partner(client, br_petition):
    body = client.get(frame_url(BR, DEMO_BR, lang="en")).content.decode()
    assert '<input type="checkbox" name="partner_opt_in" id="id_partner_opt_in">' in body
    assert '<label for="id_partner_opt_in">Keep me informed by Demo partner.</label>' in body


def test_widget_sign_records_widget_partner_origin_source_and_ref(client, br_petition):
    response = widget_sign(
        client,
        BR,
        DEMO_BR,
        lang="pt-br",
        origin="http://localhost:8080",
        source="newsletter",
        ref="may",
    )
    assert response.status_code == 303
    assert response["Location"].startswith(f"/embed/{BR}/sent/?partner={DEMO_BR}&lang=pt-br")
    assert not response.cookies
    signature = Signature.objects.select_related("widget", "partner").get()
    assert (
        signature.widget.key,
        signature.partner.name,
        signature.embed_origin,
        signature.embed_origin_registered,
        signature.source,
        signature.ref,
        signature.locale,
        signature.partner_opt_in,
    ) == (
        DEMO_BR,
        "Demo partner",
        "http://localhost:8080",
        True,
        "newsletter",
        "may",
        "pt-br",
        False,
    )


def test_widget_in_a_plain_iframe_takes_the_origin_from_the_referer(client, br_petition):
    response = client.get(frame_url(BR, DEMO_BR), HTTP_REFERER="https://127.0.0.1/page?x=1")
    action = re.search(r'action="([^"]+)"', response.content.decode()).group(1)
    assert "origin=https%3A%2F%2F127.0.0.1" in action


def test_widget_sign_from_unregistered_domain_is_recorded_and_flagged(client, br_petition):
    response = widget_sign(client, BR, DEMO_BR, origin="https://elsewhere.example")
    assert response.status_code == 303
    signature = Signature.objects.get()
    assert (signature.embed_origin, signature.embed_origin_registered) == (
        "https://elsewhere.example",
        False,
    )


def test_widget_subdomain_wildcard_counts_as_registered(client, br_petition):
    widget = make_partner(br_petition, "Coding Rights", domains=["*.codingrights.example"])
    widget_sign(client, BR, widget.key, origin="https://www.codingrights.example")
    assert Signature.objects.get().embed_origin_registered is True


def widget_message(language: str, message: str) -> str:
    with translation.override(language):
        return gettext(message)


FORGED = "This form could not be verified. Please check your details and send it again."
EXPIRED = "This form was open for too long. Please check your details and send it again."


def test_widget_refuses_forged_token_in_the_widget_language(client, eu_petition):
    response = widget_sign(
        client, EU, DEMO_EU, lang="de", country="DE", region=None, token="forged:token"
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert '<html lang="de"' in body
    assert f'<p class="notice" role="alert">{widget_message("de", FORGED)}</p>' in body
    assert 'value="Maria da Silva"' in body
    assert Signature.objects.count() == 0


def test_widget_refuses_expired_token_in_the_widget_language(client, br_petition, settings):
    settings.FORM_TOKEN_MAX_AGE = -1
    response = widget_sign(client, BR, DEMO_BR, lang="pt-br")
    body = response.content.decode()
    assert response.status_code == 400
    assert '<html lang="pt-br"' in body
    assert f'<p class="notice" role="alert">{widget_message("pt-br", EXPIRED)}</p>' in body
    assert Signature.objects.count() == 0


def test_widget_token_is_reusable_within_its_window_and_replays_meet_the_limits(
    client, br_petition, settings, monkeypatch
):
    """No one-time nonce (the frame is cached): a replayed form is bounded by the per-address
    uniqueness and the rate limits instead."""
    now = time.time()  # the limits' clock stands still, so no window ends mid-test
    monkeypatch.setattr(throttle, "time", SimpleNamespace(time=lambda: now))
    settings.RATE_LIMIT_IP = "3/600"  # a repeated address counts against it too
    action, token = open_frame(client, BR, DEMO_BR, lang="pt-br")
    assert open_frame(client, BR, DEMO_BR, lang="pt-br") == (action, token)
    data = {
        "name": "Ana",
        "country": "BR",
        "region": "BR-RJ",
        "privacy_consent": "on",
        "form_token": token,
    }
    emails = ["ana@example.org", "ana@example.org", "b@example.org", "c@example.org"]
    codes = [
        client.post(action, {**data, "email": email}, HTTP_ORIGIN=SITE).status_code
        for email in emails
    ]
    assert codes == [303, 303, 303, 303]
    assert list(Signature.objects.order_by("email").values_list("email", "held_reason")) == [
        ("ana@example.org", ""),
        ("b@example.org", ""),
        ("c@example.org", HeldReason.RATE_IP),
    ]


def test_widget_still_takes_a_one_time_token_served_before_the_deploy(client, br_petition):
    widget = Widget.objects.get(key=DEMO_BR)
    earlier = signing.dumps({"w": widget.pk, "n": "ab" * 16}, salt=WIDGET_SALT)
    assert widget_sign(client, BR, DEMO_BR, token=earlier).status_code == 303
    other = signing.dumps({"w": widget.pk + 1000, "n": "ab" * 16}, salt=WIDGET_SALT)
    assert widget_sign(client, BR, DEMO_BR, token=other, email="x@example.org").status_code == 400
    assert list(Signature.objects.values_list("email", flat=True)) == ["maria@example.org"]


def test_widget_refuses_the_token_of_another_widget(client, br_petition):
    other = make_partner(br_petition, "Other", domains=["other.example"])
    _, token = open_frame(client, BR, other.key)
    response = widget_sign(client, BR, DEMO_BR, token=token)
    assert response.status_code == 400
    assert Signature.objects.count() == 0


def test_widget_refuses_a_post_from_another_origin(client, br_petition):
    action, token = open_frame(client, BR, DEMO_BR)
    data = {"name": "A", "email": "a@example.org", "country": "PT", "privacy_consent": "on"}
    response = client.post(
        action, {**data, "form_token": token}, HTTP_ORIGIN="http://localhost:8080"
    )
    assert response.status_code == 403
    assert Signature.objects.count() == 0


def test_widget_honeypot_is_held_without_email_like_the_hosted_form(client, br_petition, run_tasks):
    response = widget_sign(client, BR, DEMO_BR, comments="http://spam.example")
    assert response.status_code == 303
    assert response["Location"].startswith(f"/embed/{BR}/sent/")
    assert Signature.objects.get().held_reason == HeldReason.HONEYPOT
    run_tasks()
    assert mail.outbox == []


def test_widget_honours_the_proof_of_work_switch(client, br_petition, settings):
    settings.POW_DIFFICULTY_BITS = 8
    br_petition.require_pow = True
    br_petition.save()
    page = client.get(frame_url(BR, DEMO_BR, lang="en")).content.decode()
    assert 'novalidate data-pow-bits="8">' in page
    assert '<input type="hidden" name="pow" value="">' in page
    assert '<script src="/static/js/pow.js" defer></script>' in page
    action, token = open_frame(client, BR, DEMO_BR, lang="en")
    refused = widget_sign(client, BR, DEMO_BR, lang="en")
    assert refused.status_code == 400
    assert (
        '<p class="notice" role="alert">To keep automated floods out, this petition currently'
        " asks your browser to solve a small puzzle before signing. This needs JavaScript:"
        " please allow JavaScript for this site, or try another browser, and send the form"
        " again.</p>"
    ) in refused.content.decode()
    assert Signature.objects.count() == 0
    solution = solve(token, 8)
    accepted = widget_sign(client, BR, DEMO_BR, lang="en", pow=solution)
    replayed = widget_sign(client, BR, DEMO_BR, lang="en", pow=solution, email="b@example.org")
    assert (accepted.status_code, replayed.status_code) == (303, 400)
    assert list(Signature.objects.values_list("email", flat=True)) == ["maria@example.org"]


def test_widget_shows_field_errors_with_a_fresh_token(client, br_petition):
    response = widget_sign(client, BR, DEMO_BR, lang="en", name="")
    assert response.status_code == 400
    assert response.context["form"].errors == {"name": ["Please enter your name."]}
    # The spent-nothing token is replaced, so a corrected form can be sent.
    assert response.context["form"].data["form_token"] != ""


def test_widget_partner_consent_is_its_own_record_with_the_exact_text(client, br_petition):
    widget_sign(client, BR, DEMO_BR, lang="en", partner_opt_in="on", updates_opt_in="on")
    signature = Signature.objects.get()
    consents = {
        c.text.kind: (c.text.text, c.partner_id)
        for c in Consent.objects.filter(signature=signature).select_related("text")
    }
    assert consents["partner"] == ("Keep me informed by Demo partner.", signature.partner_id)
    assert consents["updates"] == (
        "Keep me informed by email about #Tiremeurostodasuamira.",
        None,
    )
    assert consents["privacy"][1] is None
    assert signature.partner_opt_in is True


def test_widget_signer_confirms_and_is_thanked_with_the_partners_page(
    client, br_petition, run_tasks
):
    widget_sign(client, BR, DEMO_BR, lang="en", origin="http://localhost:8080")
    run_tasks()
    (message,) = mail.outbox
    assert (
        "You signed through Demo partner, a member of the coalition behind this petition."
        in message.body
    )
    response = client.post(confirm_link(message).replace(SITE, ""), HTTP_ORIGIN=SITE)
    assert response.status_code == 303
    assert response["Location"] == (
        f"/en/{BR}/thanks/?partner={DEMO_BR}&via=http%3A%2F%2Flocalhost%3A8080"
    )
    thanks = client.get(response["Location"])
    body = thanks.content.decode()
    assert thanks.status_code == 200
    assert '<a href="http://localhost:8080/" rel="noopener">http://localhost:8080/</a>' in body
    assert "https://wa.me/?text=" in body and "localhost%3A8080" in body
    payload = client.get(f"/api/v1/petitions/{BR}?partner={DEMO_BR}").json()
    assert (payload["signatures"], payload["partner"]) == (
        1,
        {"key": DEMO_BR, "name": "Demo partner", "signatures": 1},
    )


def test_thanks_ignores_an_unregistered_via_page(client, br_petition):
    Partner.objects.filter(widgets__key=DEMO_BR).update(website="https://demo.example/")
    body = client.get(
        f"/en/{BR}/thanks/?partner={DEMO_BR}&via=https%3A%2F%2Fevil.example"
    ).content.decode()
    assert "evil.example" not in body
    assert '<a href="https://demo.example/" rel="noopener">' in body


def test_main_site_carries_partner_source_and_ref_through_its_form(client, br_petition):
    page = client.get(f"/en/{BR}/?partner={DEMO_BR}&source=mastodon&ref=thread1")
    body = page.content.decode()
    assert f'<input type="hidden" name="partner" value="{DEMO_BR}"' in body
    assert '<input type="hidden" name="source" value="mastodon"' in body
    assert not page.cookies
    sign(client, lang="en", slug=BR, partner=DEMO_BR, source="mastodon", ref="thread1")
    signature = Signature.objects.select_related("widget", "partner").get()
    assert (
        signature.widget.key,
        signature.partner.name,
        signature.source,
        signature.ref,
        signature.embed_origin,
        signature.embed_origin_registered,
    ) == (DEMO_BR, "Demo partner", "mastodon", "thread1", "", None)


def test_main_site_ignores_a_partner_key_of_another_petition(client, br_petition, eu_petition):
    sign(client, lang="en", slug=BR, partner=DEMO_EU)
    signature = Signature.objects.get()
    assert (signature.widget_id, signature.partner_id) == (None, None)


@pytest.mark.parametrize("key", ["", "nope"])
def test_api_with_unknown_partner_key_says_so(client, br_petition, key):
    payload = client.get(f"/api/v1/petitions/{BR}?partner={key}").json()
    assert payload["partner"] is None
    assert payload["signatures"] == 0


def test_api_partner_count_counts_only_that_partners_confirmed_signatures(
    client, br_petition, run_tasks
):
    other = make_partner(br_petition, "Other", domains=["other.example"])
    widget_sign(client, BR, DEMO_BR, email="a@example.org")
    widget_sign(client, BR, DEMO_BR, email="b@example.org")
    widget_sign(client, BR, other.key, email="c@example.org")
    sign(client, lang="en", slug=BR, email="d@example.org")
    run_tasks()
    for message in mail.outbox[:3] + mail.outbox[3:]:
        if "b@example.org" not in message.to:  # b stays unconfirmed
            client.post(confirm_link(message).replace(SITE, ""), HTTP_ORIGIN=SITE)
    response = client.get(f"/api/v1/petitions/{BR}?partner={DEMO_BR}")
    payload = response.json()
    assert (payload["signatures"], payload["partner"]["signatures"]) == (3, 1)
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Cache-Control"] == "public, max-age=30"


def test_already_confirmed_page_links_to_the_partners_thanks(client, br_petition, run_tasks):
    widget_sign(client, BR, DEMO_BR, lang="en", origin="http://localhost:8080")
    run_tasks()
    link = confirm_link(mail.outbox[0]).replace(SITE, "")
    client.post(link, HTTP_ORIGIN=SITE)
    body = client.get(link).content.decode()
    assert (
        f'href="/en/{BR}/thanks/?partner={DEMO_BR}&amp;via=http%3A%2F%2Flocalhost%3A8080"' in body
    )
