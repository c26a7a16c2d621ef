"""Every offered language of each campaign renders in that language, all of it."""

from __future__ import annotations

import json
import re
import uuid

import pytest
from babel.numbers import format_decimal
from django.utils import timezone

from campaign.core.l10n import babel_locale
from campaign.web.discovery import hreflang
from petitions.models import Signature, SignatureStatus
from petitions.reporting.counting import reconcile_counts
from petitions.seeding import CONTENT_DIR

CONTENT = {
    data["slug"]: data
    for data in (json.loads(p.read_text(encoding="utf-8")) for p in CONTENT_DIR.glob("*.json"))
}
PAGES = [(slug, lang) for slug, data in sorted(CONTENT.items()) for lang in data["translations"]]
# Interface strings that must never show in English on another language's page.
ENGLISH_UI = [
    "Sign the petition",
    "Full name",
    "Email address",
    "What we ask",
    "Why it matters",
    "The petition",
    "Skip to content",
    "Choose your country",
    "Where you live",
    "required",
    "No cookies, no trackers, no third-party requests.",
]
CONFIRMED = 1234


def add_confirmed_signatures(petition, count: int) -> None:
    now = timezone.now()
    Signature.objects.bulk_create(
        Signature(
            petition=petition,
            name=f"Signer {n}",
            email=f"s{n}@example.org",
            email_key=f"s{n}-{uuid.uuid4().hex[:6]}@example.org",
            country="PT",
            locale="en",
            status=SignatureStatus.CONFIRMED,
            confirmed_at=now,
        )
        for n in range(count)
    )
    reconcile_counts(petition=petition)


@pytest.mark.parametrize(("slug", "lang"), PAGES, ids=[f"{s}-{lang}" for s, lang in PAGES])
def test_campaign_page_renders_wholly_in_its_language(client, campaigns, slug, lang):
    campaign = campaigns[slug]
    add_confirmed_signatures(campaign.petition, CONFIRMED)
    response = client.get(f"/{lang}/{slug}/")
    body = response.content.decode()
    assert response.status_code == 200
    assert f'<html lang="{lang}">' in body
    expected = format_decimal(CONFIRMED, locale=babel_locale(lang))  # pt is pt_PT
    assert f'<p class="count-number" id="count-text"><strong>{expected}</strong>' in body
    others = [code for code in CONTENT[slug]["translations"]]
    links = re.findall(
        r'<link rel="alternate" hreflang="([^"]+)" href="http://testserver/([^/]+)/', body
    )
    assert sorted(links) == sorted(
        [(hreflang(code), code) for code in others]
        + [("x-default", CONTENT[slug]["primary_language"])]
    )
    if lang != "en":
        text = re.sub(r"<[^>]+>", "\n", body)
        leaked = [s for s in ENGLISH_UI if re.search(rf"(?<![\w-]){re.escape(s)}(?![\w-])", text)]
        assert leaked == [], f"English interface strings on the {lang} page"
