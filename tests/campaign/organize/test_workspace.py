"""The organizer workspace: who may create a campaign, the draft → publish path, nothing public
before publication, and the owner controls with their audit trail."""

from __future__ import annotations

import pytest

from campaign.campaigns.models import Campaign, CampaignMembership, Role
from petitions.models import AuditEvent, HeldReason, Petition
from tests.campaign.organize.conftest import EU, add_signature, login, make_user

NEW = "cleanairnow"
CONTENT = {
    "title": "Clean air now",
    "lead": "Every child deserves clean air.",
    "ask": "Ban diesel cars from city centres by 2030.",
    "addressee": "The city council",
    "why": "Air pollution kills.\r\n\r\nChildren suffer most.\r\n\r\nWe can fix it.",
    "petition_text": "We ask the council:\r\n\r\nact now.",
    "share_text": "I signed for clean air.",
    "coalition_intro": "",
}


@pytest.fixture(autouse=True)
def _totp_tolerance(settings):
    settings.MFA_TOTP_TOLERANCE = 1


@pytest.fixture
def owner(campaigns):
    user = make_user("owner@example.org")
    CampaignMembership.objects.create(user=user, campaign=campaigns[EU], role=Role.OWNER)
    return user


@pytest.fixture
def owner_client(client, owner):
    return login(client, owner)


def create_draft(client) -> Campaign:
    response = client.post(
        "/organize/new/",
        {
            "hashtag": "#CleanAirNow",
            "slug": NEW,
            "primary_language": "en",
            "region_kind": "country",
        },
    )
    assert response.status_code == 302, response.content
    assert response["Location"] == f"/organize/{NEW}/content/"
    return Campaign.objects.get(slug=NEW)


def test_only_owners_and_superusers_may_create(client, campaigns):
    viewer = make_user("viewer@example.org")
    CampaignMembership.objects.create(user=viewer, campaign=campaigns[EU], role=Role.VIEWER)
    login(client, viewer)
    assert client.get("/organize/new/").status_code == 403
    assert "/organize/new/" not in client.get("/organize/").content.decode()


def test_superuser_creates_and_owns(client, campaigns):
    admin = make_user("root@example.org", is_superuser=True, is_staff=True)
    login(client, admin)
    campaign = create_draft(client)
    assert CampaignMembership.objects.get(campaign=campaign, user=admin).role == Role.OWNER


def test_draft_to_published(owner_client, owner, client):
    campaign = create_draft(owner_client)
    assert campaign.published_at is None
    # Half-made: no content, no petition. Nothing public, nothing 500.
    assert owner_client.get(f"/organize/{NEW}/setup/").status_code == 200
    assert owner_client.get(f"/organize/{NEW}/").status_code == 302
    assert owner_client.get(f"/organize/{NEW}/preview/").status_code == 404
    response = owner_client.post(f"/organize/{NEW}/content/", CONTENT)
    assert response["Location"] == f"/organize/{NEW}/petition/"
    content = campaign.translations.get(language="en")
    assert len(content.why_paragraphs) == 3
    assert "\r" not in content.petition_text
    response = owner_client.post(
        f"/organize/{NEW}/petition/",
        {"goal": "10000", "closes_on": "2030-12-31", "region_kind": "country"},
    )
    assert response.status_code == 302
    petition = Petition.objects.get(campaign=campaign)
    assert petition.goal == 10000 and petition.closes_at.year == 2030
    # Complete but unpublished: absent everywhere public, the owner's preview shows it.
    for url in (f"/en/{NEW}/", f"/api/v1/petitions/{NEW}", f"/embed/{NEW}.js"):
        assert client.get(url).status_code == 404, url
    assert NEW not in client.get("/en/").content.decode()
    assert NEW not in client.get("/sitemap.xml").content.decode()
    preview = owner_client.get(f"/organize/{NEW}/preview/")
    assert preview.status_code == 200
    assert "Clean air now" in preview.content.decode()
    assert "Preview" in preview.content.decode()
    assert "no-store" in preview["Cache-Control"]
    response = owner_client.post(f"/organize/{NEW}/publish/", {"confirm": "yes"})
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.published_at is not None
    assert client.get(f"/en/{NEW}/").status_code == 200
    assert client.get(f"/api/v1/petitions/{NEW}").status_code == 200
    assert f"/en/{NEW}/" in client.get("/en/").content.decode()
    actions = set(AuditEvent.objects.filter(user=owner).values_list("action", flat=True))
    assert {
        "campaign_create",
        "campaign_content",
        "petition_settings",
        "campaign_publish",
    } <= actions


def test_published_campaign_without_petition_answers_404(client, campaigns):
    campaign = campaigns[EU]
    campaign.petition.delete()
    assert client.get(f"/en/{EU}/").status_code == 404
    assert client.get(f"/api/v1/petitions/{EU}").status_code == 404
    assert EU not in client.get("/en/").content.decode()


def test_publish_refuses_a_half_made_campaign(owner_client):
    create_draft(owner_client)
    owner_client.post(f"/organize/{NEW}/publish/", {"confirm": "yes"})
    assert Campaign.objects.get(slug=NEW).published_at is None


def test_reserved_and_taken_slugs(owner_client):
    for slug in ("new", EU):
        response = owner_client.post(
            "/organize/new/",
            {"hashtag": "#X", "slug": slug, "primary_language": "en", "region_kind": "country"},
        )
        assert response.status_code == 400


def test_invite_defaults_to_viewer_and_members_keep_the_tabs(owner_client):
    html = owner_client.get(f"/organize/{EU}/members/").content.decode()
    assert '<option value="viewer" selected>' in html
    assert f'href="/organize/{EU}/audit/"' in html


def test_owner_controls(owner_client, owner, client, campaigns):
    petition = campaigns[EU].petition
    url = f"/organize/{EU}/controls/"
    assert owner_client.get(url).status_code == 200
    # Unconfirmed: nothing changes.
    owner_client.post(url + "pause/")
    petition.refresh_from_db()
    assert petition.is_open
    owner_client.post(url + "pause/", {"confirm": "yes"})
    petition.refresh_from_db()
    assert not petition.is_open
    assert "Signing is paused" in client.get(f"/en/{EU}/").content.decode()
    owner_client.post(url + "resume/", {"confirm": "yes"})
    owner_client.post(url + "pow_on/", {"confirm": "yes"})
    petition.refresh_from_db()
    assert petition.is_open and petition.require_pow
    held = add_signature(
        petition,
        name="Held Person",
        email="held@example.org",
        country="DE",
        held_reason=HeldReason.DISPOSABLE,
    )
    assert "Held Person" in owner_client.get(url).content.decode()
    owner_client.post(url + "release/", {"confirm": "yes", "signature": [str(held.pk)]})
    held.refresh_from_db()
    assert held.held_reason == HeldReason.NONE
    owner_client.post(url + "close/", {"confirm": "yes"})
    petition.refresh_from_db()
    assert petition.closed_at is not None and not petition.is_open
    owner_client.post(url + "resume/", {"confirm": "yes"})
    petition.refresh_from_db()
    assert not petition.is_open
    assert "This petition is closed" in client.get(f"/en/{EU}/").content.decode()
    actions = list(AuditEvent.objects.filter(user=owner).values_list("action", flat=True))
    for action in ("signing_pause", "signing_resume", "pow_on", "release_held", "petition_close"):
        assert action in actions


def test_controls_are_for_owners_only(client, campaigns):
    organizer = make_user("organizer@example.org")
    CampaignMembership.objects.create(user=organizer, campaign=campaigns[EU], role=Role.ORGANIZER)
    login(client, organizer)
    assert client.get(f"/organize/{EU}/controls/").status_code == 403
    assert client.post(f"/organize/{EU}/controls/pause/", {"confirm": "yes"}).status_code == 403
    assert client.get(f"/organize/{EU}/preview/").status_code == 403
