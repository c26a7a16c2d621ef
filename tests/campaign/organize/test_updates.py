"""Updates in the organizer area: who may do what, the draft → translate → review → publish
flow, errors next to the fields, confirmation before publishing, and the audit log."""

from __future__ import annotations

import pytest

from campaign.campaigns.models import CampaignUpdate, CampaignUpdateTranslation
from petitions.models import AuditEvent
from tests import factories
from tests.campaign.organize.conftest import EU, login

URL = f"/organize/{EU}/updates/"


def actions() -> list[tuple[str, str, str]]:
    return list(
        AuditEvent.objects.filter(action__startswith="update_")
        .order_by("pk")
        .values_list("action", "user_email", "detail")
    )


@pytest.fixture
def draft(campaigns):
    return factories.campaign_update(
        campaign=campaigns[EU],
        slug="hearing",
        title="A hearing in Parliament",
        body="The committee heard us.\n\nNext step: the vote.",
        published=False,
    )


@pytest.mark.parametrize(
    ("role", "status"), [("outsider", 403), ("viewer", 403), ("organizer", 200), ("owner", 200)]
)
def test_updates_are_for_organizers_and_owners(client, cast, draft, role, status):
    login(client, cast[role])
    assert client.get(URL).status_code == status
    assert client.get(f"{URL}hearing/").status_code == status
    assert client.get(f"{URL}hearing/de/").status_code == status


def test_anonymous_visitors_are_sent_to_sign_in(client, draft):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_updates_tab_is_shown_to_organizers_and_owners(client, cast):
    login(client, cast["organizer"])
    tabs = client.get(URL).context["tabs"]
    assert [(tab["label"], tab["current"]) for tab in tabs] == [
        ("Dashboard", False),
        ("Recent signers", False),
        ("Exports", False),
        ("Delivery packages", False),
        ("Updates", True),
    ]


def test_an_organizer_writes_a_draft(client, cast):
    login(client, cast["organizer"])
    response = client.post(
        URL,
        {"new-title": "We met the rapporteur", "new-body": "First.\r\n\r\nSecond."},
    )
    assert response.status_code == 302
    assert response["Location"] == f"{URL}we-met-the-rapporteur/"
    update = CampaignUpdate.objects.get(campaign__slug=EU, slug="we-met-the-rapporteur")
    assert update.published_at is None
    assert update.created_by == cast["organizer"]
    text = CampaignUpdateTranslation.objects.get(update=update)
    assert (text.language, text.title, text.body) == (
        "en",
        "We met the rapporteur",
        "First.\n\nSecond.",
    )
    assert actions() == [
        ("update_create", "organizer@example.org", f"{EU}/we-met-the-rapporteur en")
    ]
    page = client.get(response["Location"]).content.decode()
    assert "Draft: only the campaign's team sees it." in page


def test_errors_are_shown_next_to_the_fields(client, cast):
    login(client, cast["organizer"])
    response = client.post(URL, {"new-title": "", "new-body": ""})
    assert response.status_code == 400
    form = response.context["form"]
    assert set(form.errors) == {"title", "body"}
    body = response.content.decode()
    assert '<div id="id_new-title_error"><p class="error">This field is required.</p></div>' in body
    assert (
        not CampaignUpdate.objects.filter(campaign__slug=EU)
        .exclude(
            pk__in=CampaignUpdate.objects.filter(campaign__slug=EU, published_at__isnull=False)
        )
        .exists()
    )


def test_list_shows_the_state_of_each_language(client, cast, campaigns, draft):
    campaign = campaigns[EU]
    campaign.target_languages = ["en", "de", "fr", "pl"]
    campaign.save(update_fields=["target_languages"])
    primary = draft.translations.get(language="en")
    from campaign.campaigns.updates import update_hashes

    CampaignUpdateTranslation.objects.create(
        update=draft, language="de", title="Anhörung", body="Text.", needs_review=True,
        source_field_hashes=update_hashes(primary),
    )  # fmt: skip
    CampaignUpdateTranslation.objects.create(
        update=draft, language="fr", title="Audition", body="Texte.", needs_review=False,
        source_field_hashes={"title": "old", "body": update_hashes(primary)["body"]},
    )  # fmt: skip
    login(client, cast["organizer"])
    item = next(i for i in client.get(URL).context["items"] if i["update"].slug == "hearing")
    assert [lang["language"] for lang in item["missing"]] == ["pl"]
    assert [(lang["language"], lang["outdated"]) for lang in item["outdated"]] == [
        ("fr", ["title"])
    ]
    assert [lang["language"] for lang in item["needs_review"]] == ["de"]


def test_translate_review_and_the_audit_log(client, cast, draft):
    login(client, cast["organizer"])
    page = client.get(f"{URL}hearing/de/")
    assert page.status_code == 200
    sources = [item["source"] for item in page.context["fields"]]
    assert sources == ["A hearing in Parliament", "The committee heard us.\n\nNext step: the vote."]
    saved = client.post(
        f"{URL}hearing/de/",
        {"title": "Anhörung im Parlament", "body": "Der Ausschuss hörte uns.\r\n\r\nAls Nächstes: die Abstimmung."},
    )  # fmt: skip
    assert saved["Location"] == f"{URL}hearing/de/"
    german = CampaignUpdateTranslation.objects.get(update=draft, language="de")
    assert (german.needs_review, german.body) == (
        True,
        "Der Ausschuss hörte uns.\n\nAls Nächstes: die Abstimmung.",
    )
    client.post(f"{URL}hearing/de/review/")
    german.refresh_from_db()
    assert german.needs_review is False
    # The primary title changes: the German title is flagged, the body is not.
    client.post(
        f"{URL}hearing/",
        {
            "title": "A hearing in the European Parliament",
            "body": draft.translations.get(language="en").body,
        },
    )
    page = client.get(f"{URL}hearing/de/")
    assert [item["outdated"] for item in page.context["fields"]] == [True, False]
    assert 'id="flag-title"' in page.content.decode()
    assert actions() == [
        ("update_translate", "organizer@example.org", f"{EU}/hearing de: title, body"),
        ("update_review", "organizer@example.org", f"{EU}/hearing de"),
        ("update_edit", "organizer@example.org", f"{EU}/hearing en: title"),
    ]


def test_the_primary_language_is_edited_on_the_update_page(client, cast, draft):
    login(client, cast["organizer"])
    assert client.get(f"{URL}hearing/en/")["Location"] == f"{URL}hearing/"
    assert client.get(f"{URL}hearing/xx/").status_code == 404
    assert client.get(f"{URL}no-such-update/").status_code == 404
    assert client.post(f"{URL}hearing/en/review/").status_code == 404


def test_only_owners_publish(client, cast, draft):
    login(client, cast["organizer"])
    assert client.post(f"{URL}hearing/publish/", {"confirm": "yes"}).status_code == 403
    page = client.get(f"{URL}hearing/").content.decode()
    assert "/publish/" not in page
    assert CampaignUpdate.objects.get(pk=draft.pk).published_at is None


def test_publishing_asks_for_confirmation(client, cast, draft):
    login(client, cast["owner"])
    page = client.get(f"{URL}hearing/").content.decode()
    assert f'action="{URL}hearing/publish/"' in page
    assert 'name="confirm" value="yes" required' in page
    unconfirmed = client.post(f"{URL}hearing/publish/", {"published": "1"}, follow=True)
    assert "Please tick the box to confirm." in unconfirmed.content.decode()
    assert CampaignUpdate.objects.get(pk=draft.pk).published_at is None

    client.post(f"{URL}hearing/publish/", {"published": "1", "confirm": "yes"})
    assert CampaignUpdate.objects.get(pk=draft.pk).published_at is not None
    page = client.get(f"{URL}hearing/").content.decode()
    assert f'href="http://testserver/en/{EU}/updates/hearing/"' in page
    client.post(f"{URL}hearing/publish/", {"published": "0", "confirm": "yes"})
    assert CampaignUpdate.objects.get(pk=draft.pk).published_at is None
    assert [a[0] for a in actions()] == ["update_publish", "update_unpublish"]


def test_drafts_can_be_deleted_published_updates_cannot(client, cast, campaigns, draft):
    published = factories.campaign_update(campaign=campaigns[EU], slug="out-there")
    login(client, cast["organizer"])
    client.post(f"{URL}out-there/delete/", {"confirm": "yes"})
    assert CampaignUpdate.objects.filter(pk=published.pk).exists()
    client.post(f"{URL}hearing/delete/", {})
    assert CampaignUpdate.objects.filter(pk=draft.pk).exists()
    response = client.post(f"{URL}hearing/delete/", {"confirm": "yes"})
    assert response["Location"] == URL
    assert not CampaignUpdate.objects.filter(pk=draft.pk).exists()
    assert actions() == [("update_delete", "organizer@example.org", f"{EU}/hearing")]


def test_a_campaign_member_elsewhere_cannot_reach_these_updates(client, cast, draft):
    login(client, cast["outsider"])
    assert client.post(f"{URL}hearing/", {"title": "x", "body": "y"}).status_code == 403
    assert client.post(f"{URL}hearing/delete/", {"confirm": "yes"}).status_code == 403
    assert CampaignUpdate.objects.filter(pk=draft.pk).exists()
