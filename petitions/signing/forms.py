"""The sign form: plain HTML, no JavaScript needed, errors in the page's language."""

from __future__ import annotations

import functools
import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from campaign.campaigns.models import RegionKind
from campaign.core.l10n import collator
from campaign.core.subdivisions import subdivision_choices, subdivision_codes
from petitions.addresses import domain_problem
from petitions.regions import BRAZILIAN_STATES

# A field people never see (display: none, so not focusable: browsers' autofill skips it, and so
# do keyboards and screen readers) that form-filling bots tend to fill. Its name matches no
# autofill field type (unlike "website", which address-book and password-manager autofill may
# fill with the person's homepage); it is not in SignatureForm so it never shows errors.
HONEYPOT_FIELD = "comments"


def current_country_choices() -> list[tuple[str, str]]:
    """The select's options in the active language, from the per-language cache."""
    language = translation.get_language() or "en"
    return [("", str(_("Choose your country"))), *country_choices(language)]


COUNTRY_CODES = frozenset(code for code, _name in countries)


class CountryChoiceField(forms.ChoiceField):
    """Checks a code against the set of codes: a signature POST builds no 250-item list.

    The choices are a callable, so they are only listed (from a per-language cache) when
    the form is rendered; copying the field for each form stays cheap.
    """

    def valid_value(self, value) -> bool:
        return value in COUNTRY_CODES


# Zero-width joiner and non-joiner: format characters that Persian, the Indic scripts and
# emoji sequences need inside a name, so the only ones a name may hold.
NAME_JOINERS = "\u200c\u200d"


def has_control_characters(value: str) -> bool:
    """Whether ``value`` holds a control, format (but the joiners), surrogate or private-use
    character."""
    return any(
        unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co") and ch not in NAME_JOINERS
        for ch in value
    )


def validate_mail_domain(value: str) -> None:
    """Refuse addresses that cannot reach a signer: localhost, one-label domains, IP addresses.

    Only for an address that is valid otherwise, so a typo gets one message, not two."""
    try:
        validate_email(value)
    except ValidationError:
        return
    if domain_problem(value) is not None:
        raise forms.ValidationError(
            _("Please use an email address at an internet domain, like name@example.org."),
            code="domain",
        )


class RegionChoiceField(forms.ChoiceField):
    """One country's top-level subdivisions, checked against the set of their codes."""

    def __init__(self, *, country: str, **kwargs):
        super().__init__(**kwargs)
        self.codes = subdivision_codes(country)

    def valid_value(self, value) -> bool:
        return value in self.codes


@functools.lru_cache(maxsize=256)
def region_field(country: str, language: str) -> RegionChoiceField:
    """The region select of ``country`` in ``language``, built once and shared (forms never
    change a field). Brazil keeps its wording: "State"."""
    with translation.override(language):
        if country == "BR":
            label, empty = _("State"), _("Choose your state")
            invalid = _("Please choose your state from the list.")
        else:
            label, empty = _("Region"), _("Choose your region")
            invalid = _("Please choose your region from the list.")
        return RegionChoiceField(
            country=country,
            label=label,
            choices=[("", str(empty)), *subdivision_choices(country, language)],
            required=False,
            widget=forms.Select(attrs={"autocomplete": "address-level1"}),
            error_messages={"invalid_choice": invalid},
        )


class ConsentCheckbox(forms.CheckboxInput):
    """A checkbox that is ticked only by what a browser sends for a ticked box ("on", or the
    box's value) or an explicit yes: Django's own takes any other text, "0" and "off"
    included, as ticked."""

    TICKED = frozenset({"on", "true", "1", "yes"})

    def value_from_datadict(self, data, files, name) -> bool:
        value = data.get(name)
        return isinstance(value, str) and value.strip().lower() in self.TICKED


@functools.lru_cache(maxsize=64)
def country_choices(language: str) -> tuple[tuple[str, str], ...]:
    """Country names in ``language``, in Unicode collation order rather than by codepoint.

    pyuca applies the Unicode Collation Algorithm's default (root) order, which sorts accented
    letters with their base letter ("Österreich" among the O's) and keeps each script together;
    language-specific tailorings (such as Swedish å/ä/ö after z) are not applied.
    """
    with translation.override(language):
        names = [(code, str(name)) for code, name in countries]
    return tuple(sorted(names, key=lambda item: collator().sort_key(item[1])))


def email_field() -> forms.EmailField:
    """The email address field, with the same messages wherever a signer types an address."""
    return forms.EmailField(
        label=_("Email address"),
        max_length=254,
        error_messages={
            "required": _("Please enter your email address."),
            "invalid": _("Please enter a valid email address, like name@example.org."),
            "max_length": _("Please enter an email address of at most %(limit_value)d characters."),
        },
        validators=[validate_mail_domain],
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class SharedFields(dict):
    """A form's declared fields, shared by its instances instead of deep-copied for each.

    Django copies every field (and its widget) per form so that an instance may change its
    own fields; SignatureForm instances never change a field (they only leave one out), and
    copying twelve fields was a tenth of a signature's time under load. Keep it that way:
    replace a field in ``self.fields`` rather than changing it.
    """

    def __deepcopy__(self, memo) -> dict:
        return dict(self)


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
    email = email_field()
    country = CountryChoiceField(
        label=_("Country"),
        choices=current_country_choices,
        error_messages={
            "required": _("Please choose your country."),
            "invalid_choice": _("Please choose your country from the list."),
        },
        widget=forms.Select(attrs={"autocomplete": "country"}),
    )
    # Only where the campaign asks for a region (see __init__, which puts in the field of the
    # campaign's country); Brazil's, declared here, for a form made without a campaign.
    region = forms.ChoiceField(
        label=_("State"),
        choices=[("", _("Choose your state")), *BRAZILIAN_STATES.items()],
        required=False,
        widget=forms.Select(attrs={"autocomplete": "address-level1"}),
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
        widget=ConsentCheckbox,
    )
    updates_opt_in = forms.BooleanField(required=False, widget=ConsentCheckbox)
    # Only the widget offers it, labelled with the partner's name.
    partner_opt_in = forms.BooleanField(required=False, widget=ConsentCheckbox)
    form_token = forms.CharField(widget=forms.HiddenInput, required=False)
    # Attribution carried from the page's query string (?partner=, ?source=, ?ref=).
    partner = forms.CharField(widget=forms.HiddenInput, required=False)
    source = forms.CharField(widget=forms.HiddenInput, required=False)
    ref = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, region_kind: str, region_country: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.region_kind = region_kind
        self.region_country = region_country if region_kind == RegionKind.SUBDIVISION else ""
        if self.region_country:
            language = translation.get_language() or "en"
            self.fields["region"] = region_field(self.region_country, language)
        else:
            del self.fields["region"]
        if region_kind == RegionKind.NONE:  # name and email only: no place at all
            for name in ("country", "postal_code"):
                del self.fields[name]

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        # Joiners join letters: at either end of the name (or of a word) they join nothing.
        name = " ".join(word.strip(NAME_JOINERS) for word in name.split())
        name = " ".join(name.split())
        if has_control_characters(name):
            raise forms.ValidationError(
                _("Please remove special control characters from your name.")
            )
        if not name:
            raise forms.ValidationError(_("Please enter your name."))
        return name

    def clean_partner(self) -> str:
        return self.cleaned_data["partner"].strip()[:64]

    def clean_source(self) -> str:
        return self.cleaned_data["source"].strip()[:64]

    def clean_ref(self) -> str:
        return self.cleaned_data["ref"].strip()[:64]

    def clean_postal_code(self) -> str:
        code = self.cleaned_data["postal_code"].strip().upper()
        if code and not all(ch.isascii() and (ch.isalnum() or ch in " -") for ch in code):
            raise forms.ValidationError(
                _("Please use only letters, digits, spaces and hyphens in the postal code.")
            )
        return code

    def clean(self):
        data = super().clean()
        if self.region_country and data.get("country") == self.region_country:
            if not data.get("region") and "region" not in self.errors:
                if self.region_country == "BR":
                    self.add_error("region", _("Please choose your state."))
                else:
                    self.add_error("region", _("Please choose your region."))
        elif "region" in self.fields:
            data["region"] = ""
        return data


SignatureForm.base_fields = SharedFields(SignatureForm.base_fields)


class ResendForm(forms.Form):
    email = email_field()
    form_token = forms.CharField(widget=forms.HiddenInput, required=False)
