"""The launch campaigns' seed files: every language's sections parse without a problem, cite
only sources that exist, and have as many sources and items as the primary language.

A key the primary language lacks is skipped, so this holds before the sections are written.
"""

from __future__ import annotations

import json

import pytest
from django.utils import translation

from campaign.campaigns.sections import (
    parse_items,
    parse_sources,
    parse_timeline,
    validate,
)
from petitions.seeding import CONTENT_DIR, stored_texts

FILES = {
    path.stem: json.loads(path.read_text("utf-8")) for path in sorted(CONTENT_DIR.glob("*.json"))
}
LANGUAGES = [(slug, language) for slug, data in FILES.items() for language in data["translations"]]
COUNTED = {
    "sources": parse_sources,
    "faq": parse_items,
    "myths": parse_items,
    "timeline": parse_timeline,
    "resources": parse_items,
    "contact": parse_items,
}


def test_both_launch_campaigns_are_checked():
    assert sorted(FILES) == ["banfacialrecognitioneu", "tiremeurostodasuamira"]


@pytest.mark.parametrize(("slug", "language"), LANGUAGES)
def test_every_language_parses_without_problems(slug, language):
    texts = stored_texts(FILES[slug]["translations"][language])
    with translation.override("en"):
        assert validate(texts) == {}


@pytest.mark.parametrize(("slug", "language"), LANGUAGES)
def test_every_language_has_the_primary_languages_sources_and_items(slug, language):
    data = FILES[slug]
    primary = data["translations"][data["primary_language"]]
    text = data["translations"][language]
    primary_texts, texts = stored_texts(primary), stored_texts(text)
    for name, parse in COUNTED.items():
        if not primary.get(name):
            continue  # not written yet
        assert len(parse(texts[name])) == len(parse(primary_texts[name])), name
        # Each entry of the file is one entry once stored (no stray "|" or "### " inside).
        assert len(parse(texts[name])) == len(text.get(name) or []), name
    if primary.get("sources"):
        # The same documents in the same order: each source's address and date as the primary's.
        assert [(s.date, s.url) for s in parse_sources(texts["sources"])] == [
            (s.date, s.url) for s in parse_sources(primary_texts["sources"])
        ]
    if primary.get("timeline"):
        dates = [m.date for m in parse_timeline(texts["timeline"])]
        assert dates == [m.date for m in parse_timeline(primary_texts["timeline"])]
        assert dates == sorted(dates)
    if "launch" in (primary.get("updates") or {}):
        launch = (text.get("updates") or {}).get("launch") or {}
        assert launch.get("title") and launch.get("body")
