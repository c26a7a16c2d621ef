import datetime

from django.utils import translation
from pyuca import Collator

from campaign.web.templatetags.campaign_tags import localdate, number
from petitions.signing.forms import SignatureForm, country_choices


def test_country_choices_are_in_page_language_and_collation_order():
    with translation.override("de"):  # the choices are listed when the form is rendered
        choices = SignatureForm(region_kind="country").fields["country"].choices[1:]
    names = [name for _code, name in choices]
    assert dict(choices)["AT"] == "Österreich"
    # Codepoint order would put "Österreich" after "Zypern"; collation keeps it among the O's.
    assert names.index("Oman") < names.index("Österreich") < names.index("Pakistan")
    assert names == sorted(names, key=Collator().sort_key)


def test_country_choices_in_greek_and_bulgarian_use_their_scripts():
    greek = dict(country_choices("el"))
    bulgarian = dict(country_choices("bg"))
    assert greek["GR"] == "Ελλάδα"
    assert bulgarian["BG"] == "България"
    names = [name for _code, name in country_choices("el")]
    assert names.index("Αίγυπτος") < names.index("Ελλάδα") < names.index("Ιταλία")


def test_number_and_date_follow_the_active_language():
    day = datetime.date(2027, 3, 4)
    expected = {
        "en": ("1,234", "March 4, 2027"),
        "de": ("1.234", "4. März 2027"),
        "pt-br": ("1.234", "4 de março de 2027"),
        "pl": ("1\xa0234", "4 marca 2027"),
        "fr": ("1\u202f234", "4 mars 2027"),
    }
    for language, (count, date) in expected.items():
        with translation.override(language):
            assert (number(1234), localdate(day)) == (count, date), language


def test_campaign_page_shows_the_closing_date_in_the_page_language(client, campaigns):
    petition = campaigns["banfacialrecognitioneu"].petition
    petition.closes_at = datetime.datetime(2027, 3, 4, 12, tzinfo=datetime.UTC)
    petition.save()
    german = client.get("/de/banfacialrecognitioneu/").content.decode()
    french = client.get("/fr/banfacialrecognitioneu/").content.decode()
    assert '<p class="closes">' in german and "4. März 2027" in german
    assert "4 mars 2027" in french
