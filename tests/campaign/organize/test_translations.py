"""The translation workspace: roles, the CRLF round trip, per-field "source changed" flags,
review, the owners' publish decision, and the audit log."""

from __future__ import annotations

import pytest
from django.test import Client

from campaign.campaigns.models import Campaign, CampaignTranslation
from campaign.campaigns.translations import SOURCE_FIELDS
from petitions.models import AuditEvent
from tests.campaign.organize.conftest import EU, login

URL = f"/organize/{EU}/translations/"


def row(language: str) -> CampaignTranslation:
    return CampaignTranslation.objects.get(campaign__slug=EU, language=language)


def form_values(translation: CampaignTranslation, **changes: str) -> dict[str, str]:
    """The editor's fields as a browser posts them: textareas with \\r\\n line endings."""
    values = {name: getattr(translation, name) for name in SOURCE_FIELDS}
    values.update(changes)
    return {name: value.replace("\n", "\r\n") for name, value in values.items()}


@pytest.mark.parametrize(
    ("role", "status"), [("outsider", 403), ("viewer", 403), ("organizer", 200), ("owner", 200)]
)
def test_workspace_is_for_organizers_and_owners(client, cast, role, status):
    login(client, cast[role])
    assert client.get(URL).status_code == status
    assert client.get(f"{URL}de/").status_code == status


def test_anonymous_visitors_are_sent_to_sign_in(client, campaigns):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_list_shows_each_target_language_with_its_state(client, cast):
    Campaign.objects.filter(slug=EU).update(target_languages=["en", "de", "fr", "pl", "sv"])
    CampaignTranslation.objects.filter(campaign__slug=EU, language="sv").delete()
    CampaignTranslation.objects.filter(campaign__slug=EU, language="fr").update(needs_review=False)
    login(client, cast["organizer"])
    response = client.get(URL)
    states = {item["row"].language: item["row"] for item in response.context["languages"]}
    assert states["en"].is_primary
    assert states["sv"].missing
    assert (states["de"].needs_review, states["fr"].needs_review) == (True, False)
    assert all(not states[code].outdated_fields for code in ("de", "fr", "pl"))
    # A missing target language may be added; it opens its editor.
    assert [code for code, _ in response.context["add_form"].fields["language"].choices] == ["sv"]
    added = client.post(URL, {"language": "sv"})
    assert added["Location"] == f"{URL}sv/"


def test_saving_crlf_paragraphs_keeps_them_and_is_audited(client, cast):
    login(client, cast["organizer"])
    polish = row("pl")
    why = "\n\n".join(f"Akapit {n}." for n in range(1, 19))
    response = client.post(f"{URL}pl/", form_values(polish, why=why))
    assert response.status_code == 302
    polish.refresh_from_db()
    assert polish.why == why
    assert len(polish.why_paragraphs) == 18
    assert polish.needs_review is True
    event = AuditEvent.objects.get(action="translation_edit")
    assert (event.user, event.petition) == (cast["organizer"], polish.campaign.petition)
    assert event.detail == f"{EU} pl: why"
    # Saving the same text again (with \r\n) changes nothing and records nothing.
    client.post(f"{URL}pl/", form_values(polish))
    assert AuditEvent.objects.filter(action="translation_edit").count() == 1


def test_a_changed_primary_field_flags_that_field_only(client, cast):
    login(client, cast["organizer"])
    english = row("en")
    english.why = english.why + "\n\nA new paragraph."
    english.save()
    response = client.get(f"{URL}de/")
    flagged = [item["field"].name for item in response.context["fields"] if item["outdated"]]
    assert flagged == ["why"]
    assert response.content.decode().count("The source changed since this was translated.") == 1
    # Translating that field clears its flag; the row is up to date again.
    german = row("de")
    client.post(f"{URL}de/", form_values(german, why=german.why + "\n\nEin neuer Absatz."))
    response = client.get(f"{URL}de/")
    assert not any(item["outdated"] for item in response.context["fields"])
    listed = {item["row"].language: item["row"] for item in client.get(URL).context["languages"]}
    assert listed["de"].outdated_fields == []


def test_mark_reviewed_clears_flags_and_is_audited(client, cast):
    login(client, cast["organizer"])
    english = row("en")
    english.title = "A new title"
    english.save()
    response = client.post(f"{URL}fr/review/")
    assert response.status_code == 302
    french = row("fr")
    assert (french.needs_review, french.reviewed_by) == (False, cast["organizer"])
    flags = [i["outdated"] for i in client.get(f"{URL}fr/").context["fields"]]
    assert not any(flags)
    assert AuditEvent.objects.filter(action="translation_review", detail=f"{EU} fr").exists()


def test_only_owners_decide_publication(client, cast):
    login(client, cast["organizer"])
    assert client.post(f"{URL}fr/publish/", {"published": "0"}).status_code == 403
    assert row("fr").is_published is True


def test_unpublished_languages_are_not_offered_even_when_reviewed(client, cast):
    Campaign.objects.filter(slug=EU).update(publish_unreviewed=False)
    CampaignTranslation.objects.filter(campaign__slug=EU, language="fr").update(needs_review=False)
    assert client.get(f"/fr/{EU}/").status_code == 200
    login(client, cast["owner"])
    client.post(f"{URL}fr/publish/", {"published": "0"})
    assert row("fr").is_published is False
    assert client.get(f"/fr/{EU}/")["Location"] == f"/en/{EU}/"
    client.post(f"{URL}fr/publish/", {"published": "1"})
    assert client.get(f"/fr/{EU}/").status_code == 200
    assert [e.action for e in AuditEvent.objects.order_by("pk")] == [
        "translation_unpublish",
        "translation_publish",
    ]


def test_a_language_added_in_the_workspace_starts_unpublished(client, cast):
    Campaign.objects.filter(slug=EU).update(target_languages=["en", "de", "sv"])
    CampaignTranslation.objects.filter(campaign__slug=EU, language="sv").delete()
    login(client, cast["organizer"])
    values = form_values(row("en"), title="Svensk titel")
    assert client.post(f"{URL}sv/", values).status_code == 302
    swedish = row("sv")
    assert (swedish.is_published, swedish.needs_review, swedish.title) == (
        False,
        True,
        "Svensk titel",
    )
    assert client.get(f"/sv/{EU}/")["Location"] == f"/en/{EU}/"


def test_languages_outside_the_targets_are_not_found(client, cast):
    Campaign.objects.filter(slug=EU).update(target_languages=["en", "de"])
    CampaignTranslation.objects.filter(campaign__slug=EU, language="sv").delete()
    login(client, cast["owner"])
    assert client.get(f"{URL}sv/").status_code == 404
    assert client.get(f"{URL}xx/").status_code == 404
    assert client.post(f"{URL}en/publish/", {"published": "0"}).status_code == 404


def test_launch_translations_stay_published(campaigns):
    assert set(CampaignTranslation.objects.values_list("is_published", flat=True)) == {True}


def test_an_owner_adds_a_language_the_campaign_did_not_have(client, cast):
    Campaign.objects.filter(slug=EU).update(target_languages=["en", "de"])
    CampaignTranslation.objects.filter(campaign__slug=EU).exclude(
        language__in=["en", "de"]
    ).delete()
    organizer = login(Client(), cast["organizer"])
    assert organizer.get(URL).context["add_form"] is None  # organizers translate, owners add
    login(client, cast["owner"])
    choices = client.get(URL).context["add_form"].fields["language"].choices
    assert "sv" in [code for code, _ in choices]
    assert "de" not in [code for code, _ in choices]
    added = client.post(URL, {"language": "sv"})
    assert added["Location"] == f"{URL}sv/"
    assert Campaign.objects.get(slug=EU).target_languages == ["en", "de", "sv"]
    assert client.get(f"{URL}sv/").status_code == 200
    event = AuditEvent.objects.get(action="translation_add")
    assert (event.user, event.detail) == (cast["owner"], f"{EU} sv")
