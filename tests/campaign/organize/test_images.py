"""Uploading, replacing and removing the hero image and partner logos in the organizer area:
owners only, refusals explained, every change in the audit log."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from campaign.campaigns.models import Campaign, ImageVariant, Partner, StoredImage
from petitions.models import AuditEvent
from tests.campaign.organize.conftest import EU, login
from tests.pictures import encoded, logo, photo


def jpeg(name="hero.jpg", seed=1):
    return SimpleUploadedFile(name, encoded(photo(1200, 700, seed=seed)), "image/jpeg")


@pytest.fixture
def partner(campaigns):
    return Partner.objects.create(campaign=campaigns[EU], name="Data Rights Org")


@pytest.mark.parametrize("role", ["anonymous", "outsider", "viewer", "organizer"])
def test_only_owners_may_change_images(client, cast, partner, role):
    if role != "anonymous":
        login(client, cast[role])
    requests = [
        ("get", f"/organize/{EU}/hero/", {}),
        ("post", f"/organize/{EU}/hero/", {"image": jpeg(), "alt": "x"}),
        ("post", f"/organize/{EU}/hero/remove/", {}),
        ("post", f"/organize/{EU}/partners/{partner.pk}/logo/", {"logo": jpeg()}),
        ("post", f"/organize/{EU}/partners/{partner.pk}/logo/remove/", {}),
    ]
    for method, path, data in requests:
        response = getattr(client, method)(path, data)
        if role == "anonymous":
            assert (response.status_code, response["Location"]) == (
                302,
                f"/accounts/login/?next={quote(path)}",
            )
        else:
            assert response.status_code == 403, path
    assert StoredImage.objects.count() == 0
    assert not AuditEvent.objects.filter(action__startswith=("hero")).exists()


def test_owner_uploads_replaces_and_removes_the_hero(client, cast):
    login(client, cast["owner"])
    response = client.get(f"/organize/{EU}/hero/")
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    response = client.post(f"/organize/{EU}/hero/", {"image": jpeg(), "alt": " Cameras "})
    assert (response.status_code, response["Location"]) == (302, f"/organize/{EU}/hero/")
    campaign = Campaign.objects.get(slug=EU)
    first = campaign.hero_image_id
    assert ImageVariant.objects.filter(image_id=first).count() == 9  # 480, 800, 1200 × 3
    assert campaign.translations.get(language="en").hero_alt == "Cameras"
    page = client.get(f"/organize/{EU}/hero/").content.decode()
    assert '<picture class="hero">' in page and 'alt="Cameras"' in page

    client.post(f"/organize/{EU}/hero/", {"image": jpeg(seed=2), "alt": "Cameras"})
    campaign.refresh_from_db()
    assert campaign.hero_image_id not in (None, first)
    assert not StoredImage.objects.filter(pk=first).exists()

    client.post(f"/organize/{EU}/hero/", {"alt": "Cameras on a pole"})  # the text alone
    assert campaign.translations.get(language="en").hero_alt == "Cameras on a pole"

    response = client.post(f"/organize/{EU}/hero/remove/")
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.hero_image_id is None and StoredImage.objects.count() == 0
    assert list(
        AuditEvent.objects.filter(action__startswith="hero")
        .order_by("id")
        .values_list("action", "user_email", "detail")
    ) == [
        ("hero_image", "owner@example.org", EU),
        ("hero_image", "owner@example.org", EU),
        ("hero_alt", "owner@example.org", EU),
        ("hero_image_remove", "owner@example.org", EU),
    ]


def test_hero_upload_refusals_are_shown_on_the_form(client, cast):
    login(client, cast["owner"])
    svg = SimpleUploadedFile("x.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "image/svg+xml")
    response = client.post(f"/organize/{EU}/hero/", {"image": svg, "alt": "x"})
    assert response.status_code == 400
    assert "SVG images are not accepted, as they can contain scripts." in response.content.decode()
    response = client.post(f"/organize/{EU}/hero/", {"image": jpeg(), "alt": ""})
    assert response.status_code == 400
    assert "Please describe the image for people who cannot see it." in response.content.decode()
    response = client.post(f"/organize/{EU}/hero/", {"alt": "no image yet"})
    assert "Please choose an image." in response.content.decode()
    assert StoredImage.objects.count() == 0
    assert not AuditEvent.objects.filter(action__startswith="hero").exists()


def test_owner_uploads_and_removes_a_partner_logo(client, cast, partner):
    login(client, cast["owner"])
    png = SimpleUploadedFile("logo.png", encoded(logo(), "PNG"), "image/png")
    response = client.post(f"/organize/{EU}/partners/{partner.pk}/logo/", {"logo": png})
    assert (response.status_code, response["Location"]) == (302, f"/organize/{EU}/partners/")
    partner.refresh_from_db()
    assert sorted(partner.logo.variants.values_list("format", "width")) == [
        ("png", 240),
        ("webp", 240),
    ]
    page = client.get(f"/organize/{EU}/partners/").content.decode()
    assert 'alt="Data Rights Org"' in page
    svg = SimpleUploadedFile("x.svg", b"<svg/>", "image/svg+xml")
    response = client.post(
        f"/organize/{EU}/partners/{partner.pk}/logo/", {"logo": svg}, follow=True
    )
    assert "Data Rights Org: SVG images are not accepted" in response.content.decode()
    client.post(f"/organize/{EU}/partners/{partner.pk}/logo/remove/")
    partner.refresh_from_db()
    assert partner.logo is None and StoredImage.objects.count() == 0
    assert list(
        AuditEvent.objects.filter(action__startswith="partner_logo")
        .order_by("id")
        .values_list("action", "detail")
    ) == [
        ("partner_logo", f"{EU}: Data Rights Org"),
        ("partner_logo_remove", f"{EU}: Data Rights Org"),
    ]


def test_logo_of_another_campaigns_partner_is_404(client, cast, campaigns):
    other = Partner.objects.create(campaign=campaigns["tiremeurostodasuamira"], name="Other")
    login(client, cast["owner"])
    response = client.post(f"/organize/{EU}/partners/{other.pk}/logo/remove/")
    assert response.status_code == 404
