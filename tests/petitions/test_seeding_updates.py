"""Reseeding brings corrected campaign texts to rows nobody edited, and only to those."""

from __future__ import annotations

import importlib
import json
from pathlib import Path

from django.db import connection
from django.db.migrations.loader import MigrationLoader

from campaign.campaigns.models import CampaignTranslation
from campaign.campaigns.translations import translation_hash
from petitions.seeding import CONTENT_DIR, seed_campaign

EU = "banfacialrecognitioneu"
MIGRATION = importlib.import_module("campaign.campaigns.migrations.0006_seeded_hash")
WHY_BEFORE = Path(__file__).resolve().parents[1] / "data" / "why_seeded_before_0006.json"
# The texts 0006 hashed included the privacy notice field that 0009 removed.
NOTICES_BEFORE_0009 = json.loads(
    (Path(__file__).parent / "data" / "eu_privacy_notices_before_0009.json").read_text("utf-8")
)


def eu_content(**coalition_intros: str) -> dict:
    data = json.loads((CONTENT_DIR / f"{EU}.json").read_text(encoding="utf-8"))
    for language, text in coalition_intros.items():
        data["translations"][language]["coalition_intro"] = text
    return data


def row(language: str) -> CampaignTranslation:
    return CampaignTranslation.objects.get(campaign__slug=EU, language=language)


def test_reseeding_updates_unedited_rows_and_asks_for_review_again(campaigns):
    CampaignTranslation.objects.filter(campaign__slug=EU).update(needs_review=False)
    written_from = row("fr").source_hash
    seed_campaign(eu_content(de="Neuer Hinweis.", en="New notice."))
    de, en, fr = row("de"), row("en"), row("fr")
    assert (de.coalition_intro, de.needs_review, de.seeded_hash) == (
        "Neuer Hinweis.",
        True,
        translation_hash(de),
    )
    assert (en.coalition_intro, en.needs_review) == ("New notice.", False)
    assert de.source_hash == translation_hash(en)
    # French kept its texts, so it stays reviewed but is now outdated against the new English.
    assert (fr.source_hash, fr.needs_review) == (written_from, False)


def test_reseeding_twice_changes_nothing(campaigns):
    seed_campaign(eu_content(de="Neuer Hinweis."))
    before = {t.language: (t.updated_at, t.seeded_hash) for t in CampaignTranslation.objects.all()}
    seed_campaign(eu_content(de="Neuer Hinweis."))
    after = {t.language: (t.updated_at, t.seeded_hash) for t in CampaignTranslation.objects.all()}
    assert after == before


def test_reseeding_keeps_what_an_organizer_edited(campaigns):
    edited = row("de")
    edited.coalition_intro = "Von der Organisatorin geschrieben."
    edited.save()
    seed_campaign(eu_content(de="Neuer Hinweis."))
    assert row("de").coalition_intro == "Von der Organisatorin geschrieben."


def test_migration_marks_only_rows_still_holding_the_old_seeded_texts(campaigns):
    # The models as 0006 ran on them (the rows' column that 0009 removed is back for this
    # test only: PostgreSQL rolls the schema change back with the test's transaction).
    apps = MigrationLoader(connection).project_state(("campaign", "0008_encrypt_mfa_secrets")).apps
    before = apps.get_model("campaign", "CampaignTranslation")
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending checks before ALTER TABLE
        cursor.execute(
            "ALTER TABLE campaign_campaigntranslation ADD COLUMN privacy_notice text NOT NULL DEFAULT ''"
        )
    # The "why" these rows held when 0006 ran (the launch files have cited ones since).
    why_before = json.loads(WHY_BEFORE.read_text(encoding="utf-8"))
    for language in ("en", "es"):
        before.objects.filter(campaign__slug=EU, language=language).update(
            privacy_notice=NOTICES_BEFORE_0009[language], why=why_before[language]
        )
    CampaignTranslation.objects.filter(campaign__slug=EU).update(seeded_hash="")
    CampaignTranslation.objects.filter(campaign__slug=EU, language="fr").update(lead="Édité.")
    MIGRATION.mark_unedited_seeded_rows(apps, None)
    marked = dict(
        CampaignTranslation.objects.filter(campaign__slug=EU).values_list("language", "seeded_hash")
    )
    # Unchanged by the glossary fixes, so their texts are those seeded before the migration.
    assert marked["en"] == MIGRATION.SEEDED_BEFORE[EU]["en"]
    assert marked["es"] == MIGRATION.SEEDED_BEFORE[EU]["es"]
    # Corrected since (today's file) or edited by an organizer: not recognised as old seeds.
    assert (marked["de"], marked["fr"]) == ("", "")
