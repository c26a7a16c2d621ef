"""Accent colours: WCAG 2.2 contrast, the rule an accent must meet, and its form field."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from campaign.campaigns.colours import (
    accent_contrast,
    contrast_ratio,
    mix,
    normalise_hex_colour,
    readable_text_colour,
    relative_luminance,
    validate_accent_colour,
)
from campaign.campaigns.models import Campaign


def test_relative_luminance_of_black_white_and_a_grey():
    assert relative_luminance("#000000") == 0
    assert relative_luminance("#ffffff") == 1
    assert round(relative_luminance("#777777"), 4) == 0.1845


def test_contrast_ratio_matches_wcag_examples_whatever_the_order():
    assert contrast_ratio("#000000", "#ffffff") == 21
    assert contrast_ratio("#ffffff", "#ffffff") == 1
    # #767676 is the lightest grey that reaches 4.5:1 on white; #777777 just misses it.
    assert round(contrast_ratio("#767676", "#ffffff"), 2) == 4.54
    assert round(contrast_ratio("#ffffff", "#777777"), 2) == 4.48


def test_accent_contrast_is_the_lowest_with_the_page_panel_and_white_text():
    # The sign form's panel (#f5f5f0) is darker than the page, so it sets the limit.
    assert round(accent_contrast("#767676"), 2) == round(contrast_ratio("#767676", "#f5f5f0"), 2)
    assert accent_contrast("#767676") < 4.5 < contrast_ratio("#767676", "#ffffff")


def test_readable_text_colour_and_mix():
    assert readable_text_colour("#003399") == "#ffffff"
    assert readable_text_colour("#ffdd00") == "#000000"
    assert mix("#000000", "#ffffff", 0.5) == "#808080"
    assert mix("#003399", "#ffffff", 0) == "#003399"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("#00703C", "#00703c"), ("00703c", "#00703c"), (" #039 ", "#003399"), ("#0070", None)],
)
def test_normalise_hex_colour(typed, stored):
    assert normalise_hex_colour(typed) == stored


def test_validate_accent_colour_accepts_dark_colours():
    for colour in ("#8a1c1c", "#003399", "#00703c", "#000000"):
        validate_accent_colour(colour)


def test_validate_accent_colour_refuses_light_colours_saying_the_ratio():
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        validate_accent_colour("#ffdd00")
    assert refused.value.messages == [
        "This colour has a contrast of only 1.2:1 with the white page and the white text on "
        "buttons; at least 4.5:1 is needed to be readable (WCAG 2.2 AA). Please choose a "
        "darker colour."
    ]


def test_validate_accent_colour_refuses_other_formats():
    for value in ("red", "#12345", "#00703C", "rgb(0,0,0)", ""):
        with pytest.raises(ValidationError) as refused:
            validate_accent_colour(value)
        assert refused.value.code == "format"


@pytest.mark.django_db
def test_the_database_refuses_a_malformed_colour(campaigns):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Campaign.objects.filter(slug="banfacialrecognitioneu").update(accent_color="red")


def test_the_refusal_writes_the_ratio_as_the_language_does():
    with translation.override("de"), pytest.raises(ValidationError) as refused:
        validate_accent_colour("#767676")
    assert "Kontrast von 4,1:1" in refused.value.messages[0]
