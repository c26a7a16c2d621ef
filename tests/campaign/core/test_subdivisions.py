"""The subdivision lists and their names (campaign/core/subdivisions.py)."""

from django.utils import translation

from campaign.core.subdivisions import (
    BRAZILIAN_STATES,
    has_subdivisions,
    subdivision_choices,
    subdivision_codes,
    subdivision_name,
)


def test_germany_offers_its_sixteen_lander():
    codes = subdivision_codes("DE")
    assert len(codes) == 16
    assert {"DE-BY", "DE-BE", "DE-NW", "DE-SH"} <= codes


def test_only_the_top_level_is_offered():
    codes = subdivision_codes("FR")
    assert "FR-IDF" in codes and "FR-BRE" in codes  # regions
    assert "FR-29" not in codes and "FR-69" not in codes  # Finistère, Rhône: departments


def test_names_follow_the_language_where_the_data_has_them():
    assert subdivision_name("DE-BY", "de") == "Bayern"
    assert subdivision_name("DE-BY", "fr") == "Bavière"
    assert subdivision_name("DE-BY", "en") == "Bavaria"
    assert subdivision_name("DE-BY", "ga") == "An Bhaváir"


def test_names_fall_back_to_the_local_name():
    # No Portuguese name for Bavaria in the catalogs: the standard's local name.
    assert subdivision_name("DE-BY", "pt") == "Bayern"
    assert subdivision_name("DE-BY", "pt-br") == "Bayern"
    assert subdivision_name("DE-NW", "en") == "Nordrhein-Westfalen"


def test_names_follow_the_active_language():
    with translation.override("fr"):
        assert subdivision_name("DE-NW") == "Rhénanie du Nord-Westfalie"
    with translation.override("de"):
        assert subdivision_name("DE-NW") == "Nordrhein-Westfalen"


def test_bracketed_alternatives_are_not_part_of_a_name():
    assert subdivision_name("GB-WLS", "en") == "Wales"


def test_brazil_keeps_its_names_in_every_language():
    for language in ("pt-br", "en", "fr", "de", "pl"):
        assert dict(subdivision_choices("BR", language)) == BRAZILIAN_STATES
    assert subdivision_name("BR-SP", "fr") == "São Paulo"


def test_choices_are_sorted_by_name_in_the_language():
    names = [name for _code, name in subdivision_choices("DE", "fr")]
    assert names[0] == "Bade-Wurtemberg"
    assert (
        names.index("Bavière") < names.index("Berlin") < names.index("Brème") < names.index("Sarre")
    )
    # Brazil's order is the one the form always had.
    assert [code for code, _name in subdivision_choices("BR", "pt-br")] == list(BRAZILIAN_STATES)


def test_unknown_codes_and_countries():
    assert subdivision_name("XX-YY", "en") == "XX-YY"
    assert subdivision_name("", "en") == ""
    assert subdivision_codes("XX") == frozenset()
    assert not has_subdivisions("")
    assert has_subdivisions("DE") and has_subdivisions("br")
