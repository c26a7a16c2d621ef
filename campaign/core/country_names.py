"""Country names in every offered language: django-countries' catalogs, and CLDR (through
Babel) for each name those catalogs do not translate (all of them in Irish and Maltese).

The names reach django-countries as its ``COUNTRIES_OVERRIDE`` setting, one lazy string per
country, so every place that shows a country (the sign form, ``Country.name``,
``countries.name()``, exports, emails) gets the same name without calling anything here.
"""

from __future__ import annotations

import functools

from babel import Locale
from django.utils.functional import lazy
from django.utils.translation import get_language

from campaign.core.l10n import babel_locale


@functools.cache
def cldr_territories(language: str) -> dict[str, str]:
    """CLDR's territory names for a Django language code (``ga``, ``pt-br``), or {}."""
    try:
        return dict(Locale.parse(babel_locale(language)).territories)
    except (ValueError, LookupError):
        return {}


@functools.cache
def _stock_countries():
    """django-countries without our override: its own names, common and old names included."""
    from django_countries import Countries  # noqa: PLC0415 -- settings import this module

    stock = Countries()
    stock.override = {}  # an instance option wins over COUNTRIES_OVERRIDE (get_option)
    return stock


def country_name(code: str, language: str | None = None) -> str:
    """The country's name in ``language`` (default: the active language).

    django-countries' translation when its catalogs have one, else CLDR's name, else the
    English name.
    """
    from django.utils import translation  # noqa: PLC0415 -- settings import this module
    from django.utils.encoding import force_str  # noqa: PLC0415 -- same
    from django_countries import no_translation_fallback  # noqa: PLC0415 -- same

    language = language or get_language() or "en"
    stock = _stock_countries()
    with translation.override(language):
        if language.startswith("en"):
            return stock.translate_pair(code).name
        # The current name, then the names it replaced (an older translation may exist).
        names = [stock.countries[code], *stock.shadowed_names.get(code, [])]
        with no_translation_fallback():
            translated = next((text for name in names if (text := force_str(name))), "")
        return translated or cldr_territories(language).get(code) or force_str(names[0])


lazy_country_name = lazy(country_name, str)


def country_name_overrides() -> dict[str, object]:
    """``COUNTRIES_OVERRIDE``: every country's name as a string resolved in the active language."""
    from django_countries.data import COUNTRIES  # noqa: PLC0415 -- settings import this module

    return {code: lazy_country_name(code) for code in COUNTRIES}
