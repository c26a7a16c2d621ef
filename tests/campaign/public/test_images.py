"""Serving stored images: content-hashed addresses, long immutable caching, the right type,
no cookie, nosniff; unknown addresses 404. The campaign page shows the hero as <picture>."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from campaign.campaigns import images
from campaign.campaigns.models import ImageVariant, Partner
from tests.pictures import encoded, logo, photo

EU = "banfacialrecognitioneu"


@pytest.fixture
def hero(campaigns):
    campaign = campaigns[EU]
    images.replace_hero(
        campaign=campaign,
        upload=SimpleUploadedFile("hero.jpg", encoded(photo(1920, 1080))),
        alt="Cameras on a pole above a square",
    )
    return campaign


@pytest.mark.parametrize(
    ("fmt", "extension", "content_type"),
    [("avif", "avif", "image/avif"), ("webp", "webp", "image/webp"), ("jpeg", "jpg", "image/jpeg")],
)
def test_variant_is_served_with_long_immutable_caching(client, hero, fmt, extension, content_type):
    variant = ImageVariant.objects.filter(image=hero.hero_image, format=fmt, width=800).get()
    response = client.get(f"/img/{variant.digest}.{extension}")
    assert response.status_code == 200
    assert response.content == bytes(variant.data)
    assert response["Content-Type"] == content_type
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "Set-Cookie" not in response and not response.cookies
    assert "Vary" not in response or "Cookie" not in response["Vary"]


def test_unknown_or_mismatched_addresses_answer_404(client, hero):
    variant = ImageVariant.objects.filter(image=hero.hero_image, format="avif").first()
    assert client.get(f"/img/{'0' * 32}.avif").status_code == 404
    assert client.get(f"/img/{variant.digest}.png").status_code == 404  # not in that format
    assert client.get(f"/img/{variant.digest}.gif").status_code == 404
    assert client.get(f"/img/{variant.digest[:20]}.avif").status_code == 404


def test_removed_image_answers_404(client, hero):
    variant = ImageVariant.objects.filter(image=hero.hero_image, format="avif").first()
    images.remove_hero(campaign=hero)
    assert client.get(f"/img/{variant.digest}.avif").status_code == 404


def test_campaign_page_shows_the_hero_as_picture(client, hero):
    body = client.get(f"/en/{EU}/").content.decode()
    picture = re.search(r'<picture class="hero">.*?</picture>', body, re.S).group(0)
    digests = {
        (v.format, v.width): v.digest for v in ImageVariant.objects.filter(image=hero.hero_image)
    }
    widths = (480, 800, 1200, 1600)
    sizes = "(min-width: 68rem) 66rem, calc(100vw - 2rem)"
    avif = ", ".join(f"/img/{digests['avif', w]}.avif {w}w" for w in widths)
    webp = ", ".join(f"/img/{digests['webp', w]}.webp {w}w" for w in widths)
    jpeg = ", ".join(f"/img/{digests['jpeg', w]}.jpg {w}w" for w in widths)
    assert f'<source type="image/avif" srcset="{avif}" sizes="{sizes}">' in picture
    assert f'<source type="image/webp" srcset="{webp}" sizes="{sizes}">' in picture
    assert picture.index("image/avif") < picture.index("image/webp")
    assert (
        f'<img src="/img/{digests["jpeg", 800]}.jpg" srcset="{jpeg}" sizes="{sizes}" '
        f'width="1600" height="900" alt="Cameras on a pole above a square" '
        f'fetchpriority="high" decoding="async">'
    ) in picture
    assert "lazy" not in picture


def test_campaign_page_without_hero_has_no_picture(client, campaigns):
    body = client.get(f"/en/{EU}/").content.decode()
    assert "<picture" not in body


def test_coalition_shows_logos_or_names(client, campaigns):
    campaign = campaigns[EU]
    with_logo = Partner.objects.create(campaign=campaign, name="Logo Org", position=1)
    Partner.objects.create(campaign=campaign, name="Plain Org", position=2)
    images.replace_logo(
        partner=with_logo, upload=SimpleUploadedFile("l.png", encoded(logo(600, 300), "PNG"))
    )
    digests = {v.format: v.digest for v in ImageVariant.objects.filter(image=with_logo.logo)}
    body = client.get(f"/en/{EU}/").content.decode()
    assert (
        f'<picture class="partner-logo"><source type="image/webp" '
        f'srcset="/img/{digests["webp"]}.webp 2x"><img src="/img/{digests["png"]}.png" '
        f'srcset="/img/{digests["png"]}.png 2x" width="120" height="60" alt="Logo Org" '
        f'loading="lazy" decoding="async"></picture>'
    ) in body
    assert '<span class="partner-name">Plain Org</span>' in body
