import io
import re
import xml.etree.ElementTree as ET

import pytest
from PIL import Image

from campaign.campaigns.models import CampaignTranslation
from campaign.web.discovery import hreflang

BR = "tiremeurostodasuamira"
EU = "banfacialrecognitioneu"


@pytest.fixture(autouse=True)
def _var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path


def test_campaign_page_links_every_language_canonical_and_x_default(client, campaigns):
    body = client.get(f"/pt-br/{BR}/").content.decode()
    alternates = re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', body)
    assert alternates == [
        ("pt-BR", f"http://testserver/pt-br/{BR}/"),
        ("en", f"http://testserver/en/{BR}/"),
        ("es", f"http://testserver/es/{BR}/"),
        ("x-default", f"http://testserver/pt-br/{BR}/"),
    ]
    assert f'<link rel="canonical" href="http://testserver/pt-br/{BR}/">' in body


def test_canonical_and_alternates_come_from_site_url_not_host(client, campaigns, settings):
    settings.SITE_URL = "https://petitions.example.org"
    body = client.get(f"/en/{EU}/", HTTP_HOST="localhost").content.decode()
    assert f'<link rel="canonical" href="https://petitions.example.org/en/{EU}/">' in body
    assert f'hreflang="de" href="https://petitions.example.org/de/{EU}/"' in body
    assert "localhost" not in body


def test_open_graph_and_twitter_meta_are_in_the_page_language(client, campaigns):
    body = client.get(f"/es/{BR}/").content.decode()
    content = CampaignTranslation.objects.get(campaign__slug=BR, language="es")
    meta = dict(
        re.findall(r'<meta (?:property|name)="((?:og|twitter):[^"]+)" content="([^"]*)">', body)
    )
    assert meta["og:title"] == content.title
    assert meta["og:url"] == f"http://testserver/es/{BR}/"
    assert meta["og:locale"] == "es_ES"
    assert meta["og:image"].startswith(f"http://testserver/es/{BR}/share.png?v=")
    assert meta["twitter:card"] == "summary_large_image"
    assert meta["twitter:image"] == meta["og:image"]
    alternates = re.findall(r'<meta property="og:locale:alternate" content="([^"]+)">', body)
    assert alternates == ["pt_BR", "en_GB"]


def test_share_image_is_a_1200_by_630_png_cached_long_when_versioned(client, campaigns, tmp_path):
    page = client.get(f"/de/{EU}/").content.decode()
    url = re.search(r'<meta property="og:image" content="http://testserver([^"]+)">', page)[1]
    response = client.get(url.replace("&amp;", "&"))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    image = Image.open(io.BytesIO(response.content))
    assert (image.format, image.size) == ("PNG", (1200, 630))
    cached = list((tmp_path / "share").glob(f"{EU}-de-*.png"))
    assert len(cached) == 1 and cached[0].read_bytes() == response.content
    unversioned = client.get(f"/de/{EU}/share.png")
    assert unversioned["Cache-Control"] == "public, max-age=86400"
    assert unversioned.content == response.content


def test_share_image_changes_when_the_title_changes(client, campaigns):
    first = client.get(f"/en/{BR}/share.png").content
    CampaignTranslation.objects.filter(campaign__slug=BR, language="en").update(
        title="Ban facial recognition in public security, now"
    )
    assert client.get(f"/en/{BR}/share.png").content != first


def test_sitemap_lists_every_campaign_page_in_every_offered_language(client, campaigns, settings):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    root = ET.fromstring(response.content)
    locations = [url.findtext("s:loc", namespaces=ns) for url in root.findall("s:url", ns)]
    # The updates pages are listed too (tests/campaign/public/test_updates.py).
    locations = [location for location in locations if "/updates/" not in location]
    eu_languages = campaigns[EU].translations.values_list("language", flat=True)
    assert len(eu_languages) == 24
    expected = [f"http://testserver/{code}/{EU}/" for code in eu_languages]
    expected += [f"http://testserver/{code}/{BR}/" for code in ["pt-br", "en", "es"]]
    expected += [f"http://testserver/{code}/" for code, _name in settings.LANGUAGES]
    assert sorted(locations) == sorted(expected)
    br_url = next(
        u
        for u in root.findall("s:url", ns)
        if u.findtext("s:loc", namespaces=ns).endswith(f"/es/{BR}/")
    )
    links = {link.get("hreflang"): link.get("href") for link in br_url.findall("x:link", ns)}
    assert links == {
        "pt-br": f"http://testserver/pt-br/{BR}/",
        "en": f"http://testserver/en/{BR}/",
        "es": f"http://testserver/es/{BR}/",
        "x-default": f"http://testserver/pt-br/{BR}/",
    }


def test_state_pages_are_not_indexed(client, campaigns):
    body = client.get(f"/pt-br/{BR}/check-email/").content.decode()
    assert '<meta name="robots" content="noindex">' in body
    assert '<meta name="robots"' not in client.get(f"/pt-br/{BR}/").content.decode()


def test_campaign_list_links_every_interface_language(client, campaigns, settings):
    body = client.get("/de/").content.decode()
    alternates = re.findall(r'<link rel="alternate" hreflang="([^"]+)"', body)
    assert alternates == [hreflang(code) for code, _name in settings.LANGUAGES] + ["x-default"]
    assert '<link rel="canonical" href="http://testserver/de/">' in body
    assert '<link rel="alternate" hreflang="x-default" href="http://testserver/en/">' in body
