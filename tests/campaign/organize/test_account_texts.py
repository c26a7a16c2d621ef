"""Account pages say only true things: sign-up is offered only when open, and the footer
does not promise "no cookies" where cookies are set."""

from __future__ import annotations

import re

from django.utils import translation

from campaign.web.accounts import INVITATION_SESSION_KEY

SIGN_UP = re.compile(r"sign up", re.IGNORECASE)


def test_login_offers_no_sign_up_while_sign_up_is_closed(client, db, settings):
    settings.ACCOUNT_SIGNUP_OPEN = False
    body = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert SIGN_UP.findall(body) == []
    assert 'href="/accounts/signup/' not in body
    assert "New accounts are by invitation only." in body


def test_login_offers_sign_up_while_open_and_to_an_invited_visitor(client, db, settings):
    settings.ACCOUNT_SIGNUP_OPEN = True
    body = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert SIGN_UP.findall(body) == ["sign up"]
    assert "invitation only" not in body
    settings.ACCOUNT_SIGNUP_OPEN = False
    session = client.session
    session[INVITATION_SESSION_KEY] = "some-key"
    session.save()
    body = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert SIGN_UP.findall(body) == ["sign up"]


def test_login_page_is_translated(client, db, settings):
    settings.ACCOUNT_SIGNUP_OPEN = False
    body = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="pt-BR").content.decode()
    assert "Novas contas só são criadas por convite." in body
    assert "Esta área usa apenas cookies necessários." in body


def footer(response) -> str:
    return re.search(r'<footer class="site">\s*<p>(.*?)</p>', response.content.decode()).group(1)


def test_footer_promises_no_cookies_only_where_none_are_set(client, campaigns):
    public = client.get("/en/banfacialrecognitioneu/")
    assert (footer(public), dict(public.cookies)) == (
        "No cookies, no trackers, no third-party requests.",
        {},
    )
    login = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en")
    assert list(login.cookies) == ["csrftoken"]
    assert footer(login) == (
        "This area uses only necessary cookies. No trackers, no third-party requests."
    )
    with translation.override("de"):
        assert (
            translation.gettext(
                "This area uses only necessary cookies. No trackers, no third-party requests."
            )
            == "Dieser Bereich verwendet nur notwendige Cookies. Keine Tracker, keine Anfragen an Dritte."
        )
