"""Campaigns of the other region kinds: the regions of Germany, and no place at all.

Signing, counting, the API, exports, delivery packages, the privacy notice, the data copy and
the organizer dashboard each read the campaign's region kind.
"""

from __future__ import annotations

import pytest
from django.core import mail
from django.utils import translation

from campaign.campaigns.models import CampaignMembership
from petitions.mail.data_copy import signature_data
from petitions.models import Signature
from petitions.privacy import privacy_notice
from petitions.reporting.counting import petition_counts
from petitions.reporting.dashboard import dashboard_figures
from petitions.signing.forms import SignatureForm
from tests.campaign.organize.conftest import login, make_user
from tests.conftest import confirm_link
from tests.petitions.exporting import csv_rows, export_bytes
from tests.petitions.helpers import sign
from tests.petitions.reporting.test_delivery import build, pdftotext  # noqa: F401 -- a fixture
from tests.region_campaigns import DE_REGIONS, PLACELESS, seed_region_campaign


@pytest.fixture
def de_campaign(campaigns):
    return seed_region_campaign(slug=DE_REGIONS, region_kind="subdivision", region_country="DE")


@pytest.fixture
def placeless_campaign(campaigns):
    return seed_region_campaign(slug=PLACELESS, region_kind="none")


def sign_and_confirm(client, *, slug, lang="en", **fields):
    before = len(mail.outbox)
    response = sign(client, lang=lang, slug=slug, **fields)
    assert response.status_code == 303, response.content.decode()[:2000]
    return response, before


def confirm_last(client, run_tasks, before):
    run_tasks()
    assert len(mail.outbox) == before + 1
    client.post(confirm_link(mail.outbox[-1]).replace("http://testserver", ""))


def test_the_form_offers_germanys_regions_in_the_page_language(client, de_campaign):
    with translation.override("fr"):
        form = SignatureForm(region_kind="subdivision", region_country="DE")
        choices = dict(form.fields["region"].choices)
        label = str(form.fields["region"].label)
    assert choices["DE-BY"] == "Bavière"
    assert "BR-SP" not in choices
    assert label == "Région"
    body = client.get(f"/de/{DE_REGIONS}/").content.decode()
    assert '<option value="DE-BY">Bayern</option>' in body
    assert '<option value="DE" selected>' in body  # the campaign's country, chosen already


def test_a_german_signer_must_choose_a_german_region(client, de_campaign):
    response = sign(client, lang="en", slug=DE_REGIONS, country="DE", region="")
    assert response.status_code == 400
    assert "Please choose your region." in response.content.decode()
    response = sign(client, lang="en", slug=DE_REGIONS, country="DE", region="BR-SP")
    assert response.status_code == 400
    assert "Please choose your region from the list." in response.content.decode()
    assert not Signature.objects.exists()


def test_signers_from_elsewhere_give_no_region(client, de_campaign):
    sign_and_confirm(client, slug=DE_REGIONS, country="AT", region="DE-BY")
    assert Signature.objects.get().region == ""


def test_german_regions_sign_count_and_export(client, de_campaign, run_tasks):
    for email, region in [("a@example.org", "DE-BY"), ("b@example.org", "DE-BY")]:
        _response, before = sign_and_confirm(
            client, slug=DE_REGIONS, email=email, country="DE", region=region
        )
        confirm_last(client, run_tasks, before)
    _response, before = sign_and_confirm(
        client, slug=DE_REGIONS, lang="de", email="c@example.org", country="DE", region="DE-HH"
    )
    confirm_last(client, run_tasks, before)
    _response, before = sign_and_confirm(
        client, slug=DE_REGIONS, email="d@example.org", country="FR", region=""
    )
    confirm_last(client, run_tasks, before)

    petition = de_campaign.petition
    counts = petition_counts(petition_id=petition.pk)
    assert counts.total == 4
    assert counts.by_region == {"DE-BY": 2, "DE-HH": 1}
    assert counts.by_country == {"DE": 3, "FR": 1}
    payload = client.get(f"/api/v1/petitions/{DE_REGIONS}").json()
    assert payload["signatures"] == 4
    assert payload["by_country"] == {"DE": 3, "FR": 1}
    assert payload["by_region"] == {"DE-BY": 2, "DE-HH": 1}

    summary = csv_rows(export_bytes(petition, "summary_region", "csv"))
    assert summary[1:3] == [["DE-BY", "Bavaria", "2"], ["DE-HH", "Hamburg", "1"]]
    signers = csv_rows(export_bytes(petition, "signers", "csv"))
    assert sorted(row[1] for row in signers[1:]) == ["", "Bavaria", "Bavaria", "Hamburg"]

    figures = dashboard_figures(petition=petition)
    assert figures.place_chart == "bars"  # no tile layout for Germany's Länder
    assert [(row["code"], row["count"]) for row in figures.places] == [
        ("DE-BY", 2),
        ("DE-HH", 1),
    ]


def test_german_regions_in_the_delivery_package(de_campaign, run_tasks, pdftotext):  # noqa: F811
    from tests.petitions.exporting import make_signature

    petition = de_campaign.petition
    make_signature(petition, name="Anna Bauer", country="DE", region="DE-BY")
    make_signature(petition, name="Jean Dupont", country="FR")
    _package, zf = build(petition, run_tasks)
    names = zf.namelist()
    assert "DE-BY-bavaria.csv" in names
    assert "DE-BY-bavaria-de.pdf" in names  # in Germany's language, which the campaign offers
    assert "other.csv" in names
    assert "Bayern" in pdftotext(zf.read("DE-BY-bavaria-de.pdf"))
    summary = zf.read("summary.csv").decode("utf-8-sig")
    assert "DE-BY,Bavaria,1" in summary


def test_dashboard_draws_bars_with_a_table_for_germanys_regions(client, de_campaign):
    from tests.petitions.exporting import make_signature

    make_signature(de_campaign.petition, name="Anna Bauer", country="DE", region="DE-BY")
    owner = make_user("owner@example.org")
    CampaignMembership.objects.create(user=owner, campaign=de_campaign, role="owner")
    login(client, owner)
    body = client.get(f"/organize/{DE_REGIONS}/").content.decode()
    assert 'class="chart bars"' in body
    assert 'class="tilemap"' not in body
    assert "By region" in body
    assert "Bavaria" in body


def test_a_national_campaign_gets_no_eu_tile_map(campaigns):
    campaign = seed_region_campaign(slug="nationalcampaign", region_kind="country")
    assert dashboard_figures(petition=campaign.petition).place_chart == "bars"
    eu = campaigns["banfacialrecognitioneu"].petition
    br = campaigns["tiremeurostodasuamira"].petition
    assert dashboard_figures(petition=eu).place_chart == "tiles"
    assert dashboard_figures(petition=br).place_chart == "tiles"


def test_privacy_notice_and_data_copy_name_the_region(de_campaign, client, run_tasks):
    with translation.override("en"):
        text = " ".join(p for section in privacy_notice(de_campaign) for p in section.paragraphs)
    assert "Your region, if you sign from Germany." in text
    assert "name, region, country and date" in text
    assert "Brazil" not in text
    sign_and_confirm(client, slug=DE_REGIONS, country="DE", region="DE-BY")
    with translation.override("en"):
        rows = dict(signature_data(Signature.objects.get()))
    assert rows["Region"] == "Bavaria (DE-BY)"


def test_placeless_campaign_asks_only_name_and_email(client, placeless_campaign, run_tasks):
    body = client.get(f"/en/{PLACELESS}/").content.decode()
    assert 'name="name"' in body and 'name="email"' in body
    assert 'name="country"' not in body
    assert 'name="region"' not in body
    assert 'name="postal_code"' not in body
    assert "Where you live" not in body

    _response, before = sign_and_confirm(
        client, slug=PLACELESS, country=None, region=None, postal_code=None
    )
    signature = Signature.objects.get()
    assert (signature.country.code or "", signature.region, signature.postal_code) == ("", "", "")
    confirm_last(client, run_tasks, before)
    # A country sent anyway is not stored: the form has no such field.
    _response, before = sign_and_confirm(
        client, slug=PLACELESS, email="other@example.org", country="DE", region="DE-BY"
    )
    confirm_last(client, run_tasks, before)
    assert set(Signature.objects.values_list("country", "region")) == {("", "")}

    petition = placeless_campaign.petition
    counts = petition_counts(petition_id=petition.pk)
    assert (counts.total, counts.by_country, counts.by_region) == (2, {}, {})
    payload = client.get(f"/api/v1/petitions/{PLACELESS}").json()
    assert (payload["signatures"], payload["by_country"], payload["by_region"]) == (2, {}, {})
    figures = dashboard_figures(petition=petition)
    assert (figures.place_chart, figures.places) == ("", [])
    signers = csv_rows(export_bytes(petition, "signers", "csv"))
    assert [row[1:3] for row in signers[1:]] == [["", ""], ["", ""]]


def test_placeless_notice_data_copy_and_package(
    placeless_campaign,
    client,
    run_tasks,
    pdftotext,  # noqa: F811 -- the fixture
):
    with translation.override("en"):
        text = " ".join(
            p for section in privacy_notice(placeless_campaign) for p in section.paragraphs
        )
    assert "Your name and your email address." in text
    assert "your country" not in text and "postal code, if you give it" not in text
    assert "receive the name and date of each signature" in text
    sign_and_confirm(client, slug=PLACELESS, country=None, region=None, postal_code=None)
    with translation.override("en"):
        labels = [label for label, _value in signature_data(Signature.objects.get())]
    assert "Country" not in labels and "Postal code" not in labels and "Region" not in labels

    from tests.petitions.exporting import make_signature

    make_signature(placeless_campaign.petition, name="Zoë Weber", country="", region="")
    _package, zf = build(placeless_campaign.petition, run_tasks)
    names = sorted(zf.namelist())
    assert names == ["all-en.pdf", "all.csv", "summary-en.pdf", "summary.csv"]
    letter = pdftotext(zf.read("all-en.pdf"))
    assert "Zoë Weber" in letter
    assert "Signers (1), sorted by name" in letter
    assert "(no region given)" not in zf.read("summary.csv").decode("utf-8-sig")


def test_placeless_dashboard_has_no_map(client, placeless_campaign):
    owner = make_user("owner@example.org")
    CampaignMembership.objects.create(user=owner, campaign=placeless_campaign, role="owner")
    login(client, owner)
    body = client.get(f"/organize/{PLACELESS}/").content.decode()
    assert 'class="tilemap"' not in body
    assert 'id="places"' not in body
