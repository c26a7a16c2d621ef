import json
import re

from campaign.campaigns.models import Campaign, CampaignTranslation
from campaign.campaigns.translations import language_statuses
from petitions.seeding import seed_launch_campaigns
from tests import factories

BR = "tiremeurostodasuamira"
EU = "banfacialrecognitioneu"


def statuses(slug):
    campaign = Campaign.objects.prefetch_related("translations").get(slug=slug)
    return {s.language: (s.missing, s.outdated, s.unreviewed) for s in language_statuses(campaign)}


def test_seeding_marks_non_primary_translations_for_review(campaigns):
    rows = CampaignTranslation.objects.filter(campaign__slug=BR)
    assert {t.language: t.needs_review for t in rows} == {"pt-br": False, "en": True, "es": True}
    assert campaigns[BR].target_languages == ["pt-br", "en", "es"]
    assert len({t.source_hash for t in rows}) == 1
    assert statuses(BR) == {
        "pt-br": (False, False, False),
        "en": (False, False, True),
        "es": (False, False, True),
    }


def test_reseeding_keeps_review_state_and_targets(campaigns):
    CampaignTranslation.objects.filter(campaign__slug=BR, language="en").update(needs_review=False)
    Campaign.objects.filter(slug=BR).update(target_languages=["pt-br", "en", "es", "fr"])
    seed_launch_campaigns()
    assert CampaignTranslation.objects.get(campaign__slug=BR, language="en").needs_review is False
    assert Campaign.objects.get(slug=BR).target_languages == ["pt-br", "en", "es", "fr"]
    assert statuses(BR)["fr"] == (True, False, False)


def test_editing_the_primary_text_makes_translations_outdated(campaigns):
    primary = CampaignTranslation.objects.get(campaign__slug=BR, language="pt-br")
    primary.ask = primary.ask + " Agora."
    primary.save()
    assert statuses(BR) == {
        "pt-br": (False, False, False),
        "en": (False, True, True),
        "es": (False, True, True),
    }


def test_admin_approve_action_records_reviewer_and_source(client, campaigns):
    user = factories.superuser(username="org", email="org@example.org")
    client.force_login(user)
    primary = CampaignTranslation.objects.get(campaign__slug=BR, language="pt-br")
    primary.lead = primary.lead + " (editado)"
    primary.save()
    en = CampaignTranslation.objects.get(campaign__slug=BR, language="en")
    response = client.post(
        "/admin/campaign/campaigntranslation/",
        {"action": "approve", "_selected_action": [en.pk]},
    )
    assert response.status_code == 302
    en.refresh_from_db()
    assert (en.needs_review, en.reviewed_by, en.reviewed_at is not None) == (False, user, True)
    assert statuses(BR)["en"] == (False, False, False)
    assert statuses(BR)["es"] == (False, True, True)


def test_admin_campaign_list_shows_missing_outdated_and_unreviewed(client, campaigns):
    user = factories.superuser(username="org", email="org@example.org")
    client.force_login(user)
    Campaign.objects.filter(slug=EU).update(
        target_languages=["en", "de", "es", "fr", "pt", "pl", "el"]
    )
    CampaignTranslation.objects.filter(campaign__slug=EU).exclude(
        language__in=["en", "de", "es", "fr", "pt"]
    ).delete()
    CampaignTranslation.objects.filter(campaign__slug=EU, language="de").update(source_hash="x")
    body = client.get("/admin/campaign/campaign/").content.decode()
    assert "<strong>Missing:</strong> el, pl" in body
    assert "<strong>Outdated:</strong> de" in body
    assert "<strong>Needs review:</strong> de, es, fr, pt" in body
    detail = client.get(f"/admin/campaign/campaign/{campaigns[EU].pk}/change/").content.decode()
    assert '<tr><th scope="row">de</th><td>outdated, needs review</td></tr>' in detail
    assert '<tr><th scope="row">pl</th><td>missing</td></tr>' in detail


def test_admin_translation_list_flags_outdated_rows_in_few_queries(
    client, campaigns, django_assert_max_num_queries
):
    user = factories.superuser(username="org", email="org@example.org")
    client.force_login(user)
    CampaignTranslation.objects.filter(campaign__slug=EU, language="fr").update(source_hash="x")
    with django_assert_max_num_queries(12):
        body = client.get("/admin/campaign/campaigntranslation/?review=needed").content.decode()
    rows = re.findall(r"<tr>.*?</tr>", body, re.S)
    outdated = [r for r in rows if 'field-is_outdated"><img src="/static/admin/img/icon-yes' in r]
    assert len(outdated) == 1 and f"{EU} [fr]" in outdated[0]


def test_seeding_takes_target_languages_from_the_content_file(unseeded_db):
    from petitions.seeding import CONTENT_DIR, seed_campaign

    data = json.loads((CONTENT_DIR / f"{BR}.json").read_text(encoding="utf-8"))
    data["target_languages"] = ["pt-br", "en", "es", "fr"]
    campaign = seed_campaign(data)
    assert campaign.target_languages == ["pt-br", "en", "es", "fr"]
    assert statuses(BR)["fr"] == (True, False, False)
    seed_campaign(data)
    assert Campaign.objects.get(slug=BR).target_languages == ["pt-br", "en", "es", "fr"]
