"""Seeding writes the seed files' section lists as the stored formats, and the launch update."""

from __future__ import annotations

import json

from campaign.campaigns.models import CampaignTranslation, CampaignUpdate, CampaignUpdateTranslation
from campaign.campaigns.sections import parse_items, parse_sources, parse_timeline
from campaign.campaigns.translations import field_hash
from petitions.seeding import CONTENT_DIR, seed_campaign

EU = "banfacialrecognitioneu"
SECTION_KEYS = ("sources", "faq", "myths", "timeline", "resources", "contact")
SECTIONS = {
    "en": {
        "sources": [
            "Report | EDRi | 2020-05 | https://edri.org/report",
            "Regulation (EU) 2024/1689 | Official Journal of the European Union | 2024-07-12 | "
            "https://eur-lex.europa.eu/eli/reg/2024/1689/oj",
        ],
        "faq": [{"q": "Is it banned?", "a": ["Not entirely [2].", "More."]}],
        "myths": [{"myth": "It makes us safer.", "fact": ["No evidence [1]."]}],
        "timeline": [{"date": "2020-05", "text": "Report [1]."}, {"date": "2024", "text": "Act."}],
        "resources": [{"title": "Kit", "text": ["[Get it](https://example.org/kit)."]}],
        "contact": [{"heading": "Press", "text": ["Write to us."]}],
        "updates": {"launch": {"title": "We launched", "body": ["One.", "Two."]}},
    },
    "de": {
        "faq": [{"q": "Ist es verboten?", "a": ["Nicht ganz [2]."]}],
        "updates": {"launch": {"title": "Wir sind gestartet", "body": ["Eins.", "Zwei."]}},
    },
}


def eu_content(sections: dict | None = None) -> dict:
    data = json.loads((CONTENT_DIR / f"{EU}.json").read_text(encoding="utf-8"))
    # The real file's sections and update are dropped, so only this module's fixture counts.
    for text in data["translations"].values():
        for key in (*SECTION_KEYS, "updates"):
            text.pop(key, None)
    for language, keys in (SECTIONS if sections is None else sections).items():
        data["translations"][language].update(keys)
    return data


def row(language: str) -> CampaignTranslation:
    return CampaignTranslation.objects.get(campaign__slug=EU, language=language)


def launch(language: str) -> CampaignUpdateTranslation:
    return CampaignUpdateTranslation.objects.get(
        update__campaign__slug=EU, update__slug="launch", language=language
    )


def test_seeding_stores_the_section_lists_in_their_formats(unseeded_db):
    seed_campaign(eu_content())
    en = row("en")
    assert en.sources == (
        "Report | EDRi | 2020-05 | https://edri.org/report\n"
        "Regulation (EU) 2024/1689 | Official Journal of the European Union | 2024-07-12 | "
        "https://eur-lex.europa.eu/eli/reg/2024/1689/oj"
    )
    assert en.faq == "### Is it banned?\n\nNot entirely [2].\n\nMore."
    assert en.myths == "### It makes us safer.\n\nNo evidence [1]."
    assert en.timeline == "2020-05 | Report [1].\n\n2024 | Act."
    assert en.resources == "### Kit\n\n[Get it](https://example.org/kit)."
    assert en.contact == "### Press\n\nWrite to us."
    assert [s.number for s in parse_sources(en.sources)] == [1, 2]
    assert [m.date for m in parse_timeline(en.timeline)] == ["2020-05", "2024"]
    assert [i.heading for i in parse_items(en.faq)] == ["Is it banned?"]
    # A language without the new keys gets empty sections (not shown on its page).
    fr = row("fr")
    assert (fr.sources, fr.faq, fr.timeline, fr.contact) == ("", "", "", "")


def test_seeding_adds_the_launch_as_the_first_update_in_each_language(unseeded_db):
    campaign = seed_campaign(eu_content())
    update = CampaignUpdate.objects.get(campaign=campaign)
    assert (update.slug, update.published_at) == ("launch", campaign.published_at)
    written_from = {"title": field_hash("We launched"), "body": field_hash("One.\n\nTwo.")}
    rows = {
        t.language: (t.title, t.body, t.needs_review, t.source_field_hashes)
        for t in update.translations.all()
    }
    assert rows == {
        "de": ("Wir sind gestartet", "Eins.\n\nZwei.", True, written_from),
        "en": ("We launched", "One.\n\nTwo.", False, written_from),
    }


def test_reseeding_the_update_is_idempotent_and_keeps_edits(unseeded_db):
    seed_campaign(eu_content())
    before = {t.pk: t.updated_at for t in CampaignUpdateTranslation.objects.all()}
    seed_campaign(eu_content())
    assert {t.pk: t.updated_at for t in CampaignUpdateTranslation.objects.all()} == before
    assert CampaignUpdate.objects.filter(campaign__slug=EU).count() == 1

    edited = launch("de")
    edited.title = "Von der Organisatorin"
    edited.save()
    changed = json.loads(json.dumps(SECTIONS))
    changed["en"]["updates"]["launch"]["title"] = "We launched today"
    changed["de"]["updates"]["launch"]["title"] = "Heute gestartet"
    seed_campaign(eu_content(changed))
    assert launch("de").title == "Von der Organisatorin"
    en = launch("en")
    assert (en.title, en.needs_review) == ("We launched today", False)
    assert en.source_field_hashes["title"] == field_hash("We launched today")


def test_reseeding_brings_new_sections_to_unedited_rows_only(unseeded_db):
    seed_campaign(eu_content({}))
    edited = row("de")
    edited.lead = "Von der Organisatorin geschrieben."
    edited.save()
    seed_campaign(eu_content())
    assert row("en").faq == "### Is it banned?\n\nNot entirely [2].\n\nMore."
    assert row("de").faq == ""  # edited since it was seeded: the organizer's text wins
