"""The sign form: plain HTML, no JavaScript needed, errors in the page's language."""

from __future__ import annotations

import functools
import unicodedata

from django import forms
from django.utils.translation import get_language, override
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from campaign.models import RegionKind
from petitions.regions import BRAZILIAN_STATES


@functools.lru_cache(maxsize=64)
def country_choices(language: str) -> list[tuple[str, str]]:
    """Countries sorted by their name in this language; sorting 250 names per request is costly."""
    with override(language):
        return [("", str(_("Choose your country")))] + [(c, str(n)) for c, n in countries]


def current_country_choices() -> list[tuple[str, str]]:
    return country_choices(get_language())


COUNTRY_CODES = frozenset(code for code, _name in countries)


class CountryChoiceField(forms.ChoiceField):
    """Checks a code against the set of codes: a signature POST builds no 250-item list.

    The choices are a callable, so they are only listed (from a per-language cache) when
    the form is rendered; copying the field for each form stays cheap.
    """

    def valid_value(self, value) -> bool:
        return value in COUNTRY_CODES


def has_control_characters(value: str) -> bool:
    return any(unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co") for ch in value)


class SignatureForm(forms.Form):
    name = forms.CharField(
        label=_("Full name"),
        max_length=200,
        error_messages={
            "required": _("Please enter your name."),
            "max_length": _("Please shorten your name to at most %(limit_value)d characters."),
        },
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        error_messages={
            "required": _("Please enter your email address."),
            "invalid": _("Please enter a valid email address, like name@example.org."),
            "max_length": _("Please enter an email address of at most %(limit_value)d characters."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    country = CountryChoiceField(
        label=_("Country"),
        choices=current_country_choices,
        error_messages={
            "required": _("Please choose your country."),
            "invalid_choice": _("Please choose your country from the list."),
        },
        widget=forms.Select(attrs={"autocomplete": "country"}),
    )
    region = forms.ChoiceField(
        label=_("State"),
        required=False,
        error_messages={"invalid_choice": _("Please choose your state from the list.")},
    )
    postal_code = forms.CharField(
        label=_("Postal code (optional)"),
        required=False,
        max_length=16,
        error_messages={
            "max_length": _("Please enter a postal code of at most %(limit_value)d characters.")
        },
        widget=forms.TextInput(attrs={"autocomplete": "postal-code"}),
    )
    privacy_consent = forms.BooleanField(
        error_messages={
            "required": _(
                "Please agree to the privacy notice, or your signature cannot be counted."
            )
        },
    )
    updates_opt_in = forms.BooleanField(required=False)
    form_token = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, region_kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.region_kind = region_kind
        if region_kind == RegionKind.BR_STATE:
            self.fields["region"].choices = [("", _("Choose your state"))] + list(
                BRAZILIAN_STATES.items()
            )
        else:
            del self.fields["region"]

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if has_control_characters(name):
            raise forms.ValidationError(
                _("Please remove special control characters from your name.")
            )
        if not name:
            raise forms.ValidationError(_("Please enter your name."))
        return name

    def clean_postal_code(self) -> str:
        code = self.cleaned_data["postal_code"].strip().upper()
        if code and not all(ch.isascii() and (ch.isalnum() or ch in " -") for ch in code):
            raise forms.ValidationError(
                _("Please use only letters, digits, spaces and hyphens in the postal code.")
            )
        return code

    def clean(self):
        data = super().clean()
        if self.region_kind == RegionKind.BR_STATE and data.get("country") == "BR":
            if not data.get("region") and "region" not in self.errors:
                self.add_error("region", _("Please choose your state."))
        elif "region" in self.fields:
            data["region"] = ""
        return data


class ResendForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        error_messages={
            "required": _("Please enter your email address."),
            "invalid": _("Please enter a valid email address, like name@example.org."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    form_token = forms.CharField(widget=forms.HiddenInput, required=False)
