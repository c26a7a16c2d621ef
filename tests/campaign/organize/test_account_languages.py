"""allauth's pages (sign-in, sign-up, password reset, email verification, MFA) are wholly in
Irish, Maltese and Portuguese: allauth ships no catalog for ga and mt, ours has its strings."""

from __future__ import annotations

import re

import pytest

from tests import factories

LANGUAGES = ["ga", "mt", "pt"]
# Words that are the same in a language and in English (its catalog says so).
SAME_AS_ENGLISH = {"mt": {"Email", "Email:", "Password", "Password:"}}


def texts(body: str) -> set[str]:
    """What a person reads or hears: text between tags and the labelling attributes."""
    main = re.search(r"<main.*?</main>", body, re.S).group(0)
    main = re.sub(r'<input type="hidden"[^>]*>', "", main)
    attributes = re.findall(r'(?:placeholder|aria-label|title|value|alt)="([^"]+)"', main)
    words = [part.strip() for part in re.split(r"<[^>]+>", main)]
    # Addresses and names are the user's, not the interface's.
    return {t for t in words + attributes if re.search(r"[A-Za-z]{2}", t) and "@" not in t}


def english_left(client, path: str, language: str) -> list[str]:
    english = texts(client.get(path, HTTP_ACCEPT_LANGUAGE="en", follow=True).content.decode())
    response = client.get(path, HTTP_ACCEPT_LANGUAGE=language, follow=True)
    assert response.status_code == 200
    translated = texts(response.content.decode())
    assert translated, path
    return sorted(english & translated - SAME_AS_ENGLISH.get(language, set()))


PAGES = [
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
    "/accounts/password/reset/done/",
    "/accounts/confirm-email/",
]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("path", PAGES)
def test_account_page_has_no_english_left(client, db, settings, language, path):
    settings.ACCOUNT_SIGNUP_OPEN = True
    assert english_left(client, path, language) == []


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    "path", ["/accounts/2fa/", "/accounts/2fa/totp/activate/", "/accounts/password/change/"]
)
def test_mfa_and_password_pages_have_no_english_left(client, db, language, path):
    user = factories.user(email="org@example.org", totp=False, password="pw-long-enough-1")
    client.force_login(user)
    assert english_left(client, path, language) == []
