"""Helpers to sign as a browser would (fetch the page, take its form token, post), and to
confirm a signature and read the stored counts directly."""

from __future__ import annotations

import hashlib
import re

from django.db.models import Sum
from django.test import Client

from petitions.models import SignatureCount
from petitions.signing.confirmation import confirm_pending, find_signature

TOKEN = re.compile(r'name="form_token" value="([^"]+)"')


def form_token(client: Client, page_url: str) -> str:
    response = client.get(page_url)
    assert response.status_code == 200
    return TOKEN.search(response.content.decode()).group(1)


def sign(client: Client, *, lang: str, slug: str, **fields):
    page_url = f"/{lang}/{slug}/"
    data = {
        "name": "Maria da Silva",
        "email": "maria@example.org",
        "country": "BR",
        "region": "BR-SP",
        "postal_code": "",
        "privacy_consent": "on",
        "form_token": form_token(client, page_url),
    }
    data.update(fields)
    data = {key: value for key, value in data.items() if value is not None}
    return client.post(f"/{lang}/{slug}/sign/", data)


def solve(token: str, bits: int, nonce: str = "0123456789abcdef") -> str:
    """A proof-of-work solution for a form token, as static/js/pow.js finds it."""
    n = 0
    while True:
        candidate = f"{nonce}.{n}"
        digest = hashlib.sha256(f"{token}:{candidate}".encode()).digest()
        if int.from_bytes(digest, "big") >> (256 - bits) == 0:
            return candidate
        n += 1


def confirm_signature(*, public_id):
    """Confirm a pending signature of any campaign, as its link would; the signature in whatever
    state it is now, or None when there is no such signature."""
    confirm_pending(public_id=public_id)
    return find_signature(public_id=public_id)


def stored_total(*, petition_id: int) -> int:
    """The stored total, without the flush that ``petition_counts`` does first."""
    return (
        SignatureCount.objects.filter(petition_id=petition_id).aggregate(n=Sum("count"))["n"] or 0
    )
