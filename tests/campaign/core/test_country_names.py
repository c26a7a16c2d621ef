"""Country names in every offered language: CLDR where django-countries has no translation."""

from __future__ import annotations

import io
import re

from django.utils import translation
from django_countries import countries
from pyuca import Collator

from campaign.core.country_names import country_name
from petitions.reporting.exports import write_export
from tests.petitions.exporting import csv_rows, make_signature

EU = "banfacialrecognitioneu"


def country_options(body: str) -> dict[str, str]:
    select = re.search(r'<select name="country".*?</select>', body, re.S).group(0)
    return dict(re.findall(r'<option value="([A-Z]{2})"[^>]*>([^<]+)</option>', select))


def test_campaign_page_lists_countries_in_irish(client, campaigns):
    body = client.get(f"/ga/{EU}/").content.decode()
    options = country_options(body)
    assert len(options) == len(countries)
    picked = {code: options[code] for code in ("DE", "FR", "IE", "MT", "PT")}
    assert picked == {
        "DE": "an Ghearmáin",
        "FR": "an Fhrainc",
        "IE": "Éire",
        "MT": "Málta",
        "PT": "an Phortaingéil",
    }
    names = list(options.values())
    assert names == sorted(names, key=Collator().sort_key)


def test_campaign_page_lists_countries_in_maltese(client, campaigns):
    options = country_options(client.get(f"/mt/{EU}/").content.decode())
    picked = {code: options[code] for code in ("DE", "FR", "IE", "MT", "PT")}
    assert picked == {
        "DE": "il-Ġermanja",
        "FR": "Franza",
        "IE": "l-Irlanda",
        "MT": "Malta",
        "PT": "il-Portugall",
    }


def test_country_name_keeps_django_countries_translations_where_they_exist():
    assert [country_name("DE", code) for code in ("en", "de", "pt", "pt-br", "ga", "mt")] == [
        "Germany",
        "Deutschland",
        "Alemanha",
        "Alemanha",
        "an Ghearmáin",
        "il-Ġermanja",
    ]
    with translation.override("ga"):
        assert (countries.name("AT"), str(countries.name("FR"))) == ("an Ostair", "an Fhrainc")


def test_signer_list_export_names_countries_in_irish(eu_petition):
    for name, code in (("Áine Ní Bhriain", "IE"), ("Ġorġ Borg", "MT"), ("Jana Nováková", "CZ")):
        make_signature(eu_petition, name=name, country=code)
    stream = io.BytesIO()
    with translation.override("ga"):
        write_export(petition=eu_petition, identifier="signers", fmt="csv", stream=stream)
    rows = csv_rows(stream.getvalue())
    assert sorted((row[0], row[2]) for row in rows[1:]) == [
        ("Jana Nováková", "an tSeicia"),
        ("Áine Ní Bhriain", "Éire"),
        ("Ġorġ Borg", "Málta"),
    ]
