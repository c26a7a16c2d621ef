"""What the campaign forms offer and check for a region kind (campaign/campaigns/regions.py)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.forms.models import model_to_dict
from django.utils import translation

from campaign.campaigns.admin import CampaignAdminForm
from campaign.campaigns.models import Campaign, RegionKind
from campaign.campaigns.regions import (
    clean_region_kind,
    region_country_choices,
    region_kind_choices,
)


def test_the_three_kinds_are_offered():
    assert [value for value, _label in region_kind_choices()] == ["none", "country", "subdivision"]


def test_countries_with_subdivisions_are_offered_by_name():
    with translation.override("de"):
        choices = dict(region_country_choices())
    assert choices["DE"] == "Deutschland"
    assert choices["BR"] == "Brasilien"
    assert "AQ" not in choices  # Antarctica has no subdivisions


@pytest.mark.parametrize(
    ("kind", "country", "expected"),
    [
        ("none", "DE", ("none", "")),
        ("country", "BR", ("country", "")),
        ("subdivision", "de", ("subdivision", "DE")),
        ("subdivision", " BR ", ("subdivision", "BR")),
    ],
)
def test_clean_keeps_the_country_only_for_subdivisions(kind, country, expected):
    assert clean_region_kind(region_kind=kind, region_country=country) == expected


@pytest.mark.parametrize(
    ("kind", "country", "field"),
    [
        ("br_state", "", "region_kind"),
        ("subdivision", "", "region_country"),
        ("subdivision", "XX", "region_country"),
        ("subdivision", "AQ", "region_country"),
    ],
)
def test_clean_refuses_what_cannot_be_offered(kind, country, field):
    with pytest.raises(ValidationError) as error:
        clean_region_kind(region_kind=kind, region_country=country)
    assert field in error.value.message_dict


def test_the_database_refuses_a_subdivision_kind_without_its_country(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        Campaign.objects.create(
            slug="x", hashtag="#x", primary_language="en", region_kind=RegionKind.SUBDIVISION
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Campaign.objects.create(
            slug="y",
            hashtag="#y",
            primary_language="en",
            region_kind="country",
            region_country="DE",
        )


def test_the_brazilian_campaign_chooses_brazils_states(campaigns):
    campaign = campaigns["tiremeurostodasuamira"]
    assert (campaign.region_kind, campaign.region_country) == ("subdivision", "BR")
    assert campaign.subdivision_country == "BR"
    assert campaigns["banfacialrecognitioneu"].subdivision_country == ""


def admin_form_data(campaign, **changes) -> dict:
    data = model_to_dict(campaign)
    data["target_languages"] = ",".join(data["target_languages"])
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_admin_offers_the_kinds_and_countries(admin_client, campaigns):
    campaign = campaigns["banfacialrecognitioneu"]
    response = admin_client.get(f"/admin/campaign/campaign/{campaign.pk}/change/")
    assert response.status_code == 200
    assert b'<option value="subdivision">' in response.content
    assert b'<option value="DE">' in response.content


def test_admin_form_saves_the_regions_of_germany(campaigns):
    campaign = campaigns["banfacialrecognitioneu"]
    form = CampaignAdminForm(
        admin_form_data(campaign, region_kind="subdivision", region_country="DE"),
        instance=campaign,
    )
    assert form.is_valid(), form.errors
    form.save()
    campaign.refresh_from_db()
    assert (campaign.region_kind, campaign.region_country) == ("subdivision", "DE")


def test_admin_form_refuses_regions_without_a_country_and_drops_a_stray_one(campaigns):
    campaign = campaigns["banfacialrecognitioneu"]
    form = CampaignAdminForm(
        admin_form_data(campaign, region_kind="subdivision", region_country=""),
        instance=campaign,
    )
    assert not form.is_valid()
    assert "region_country" in form.errors
    form = CampaignAdminForm(
        admin_form_data(campaign, region_kind="none", region_country="DE"), instance=campaign
    )
    assert form.is_valid(), form.errors
    assert form.save().region_country == ""
