"""What search engines and link previews read: absolute URLs, hreflang, Open Graph locales."""

from __future__ import annotations

from django.urls import reverse
from django.utils import translation

# Open Graph wants language_TERRITORY; the territory where each language is official or
# most spoken in the EU (pt is European Portuguese; pt-br has its own entry).
OG_LOCALES = {
    "bg": "bg_BG",
    "cs": "cs_CZ",
    "da": "da_DK",
    "de": "de_DE",
    "el": "el_GR",
    "en": "en_GB",
    "es": "es_ES",
    "et": "et_EE",
    "fi": "fi_FI",
    "fr": "fr_FR",
    "ga": "ga_IE",
    "hr": "hr_HR",
    "hu": "hu_HU",
    "it": "it_IT",
    "lt": "lt_LT",
    "lv": "lv_LV",
    "mt": "mt_MT",
    "nl": "nl_NL",
    "pl": "pl_PL",
    "pt": "pt_PT",
    "pt-br": "pt_BR",
    "ro": "ro_RO",
    "sk": "sk_SK",
    "sl": "sl_SI",
    "sv": "sv_SE",
}


def hreflang(code: str) -> str:
    """The BCP 47 form of a language code: pt-br -> pt-BR."""
    language, _, region = code.partition("-")
    return f"{language}-{region.upper()}" if region else language


def og_locale(code: str) -> str:
    return OG_LOCALES.get(code, translation.to_locale(code))


def localized_path(url_name: str, language: str, **kwargs) -> str:
    with translation.override(language):
        return reverse(url_name, kwargs=kwargs or None)
