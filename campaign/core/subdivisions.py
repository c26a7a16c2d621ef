"""Subdivisions of any country (ISO 3166-2, from pycountry), with names in the site's languages.

Only the top level is offered: the states, Länder, regions or provinces people know their
address by. Lower levels (France's 101 departments under its 13 regions, Spain's provinces
under its autonomous communities, England's two hundred-odd council areas) make a select too
long to use on a phone, and a petition is counted and handed over at the top level. A country
without subdivisions in the data has none to offer.

Names come from pycountry's ``iso3166-2`` catalogs in the page's or the document's language and
fall back to the local name the standard gives. Brazil keeps the names the platform has always
shown (proper names, the same in every language: some catalogs spell them wrongly).
"""

from __future__ import annotations

import functools
import gettext
import re

import pycountry
from django.utils import translation

from campaign.core.l10n import collator

# Proper names, identical in every language (ISO 3166-2:BR).
BRAZILIAN_STATES: dict[str, str] = {
    "BR-AC": "Acre",
    "BR-AL": "Alagoas",
    "BR-AP": "Amapá",
    "BR-AM": "Amazonas",
    "BR-BA": "Bahia",
    "BR-CE": "Ceará",
    "BR-DF": "Distrito Federal",
    "BR-ES": "Espírito Santo",
    "BR-GO": "Goiás",
    "BR-MA": "Maranhão",
    "BR-MT": "Mato Grosso",
    "BR-MS": "Mato Grosso do Sul",
    "BR-MG": "Minas Gerais",
    "BR-PA": "Pará",
    "BR-PB": "Paraíba",
    "BR-PR": "Paraná",
    "BR-PE": "Pernambuco",
    "BR-PI": "Piauí",
    "BR-RJ": "Rio de Janeiro",
    "BR-RN": "Rio Grande do Norte",
    "BR-RS": "Rio Grande do Sul",
    "BR-RO": "Rondônia",
    "BR-RR": "Roraima",
    "BR-SC": "Santa Catarina",
    "BR-SP": "São Paulo",
    "BR-SE": "Sergipe",
    "BR-TO": "Tocantins",
}
# Names kept as the platform wrote them, whatever the data or its catalogs say.
FIXED_NAMES: dict[str, dict[str, str]] = {"BR": BRAZILIAN_STATES}

# "Wales [Cymru GB-CYM]": the standard's alternative name and code, not part of the name.
_BRACKETED = re.compile(r"\s*\[[^\]]*\]\s*$")


@functools.cache
def _top_level(country: str) -> tuple[tuple[str, str], ...]:
    """(code, local name) of the country's top-level subdivisions, in the data's order."""
    country = country.upper()
    if country in FIXED_NAMES:
        return tuple(FIXED_NAMES[country].items())
    found = pycountry.subdivisions.get(country_code=country) or ()
    return tuple(
        sorted((sub.code, _BRACKETED.sub("", sub.name)) for sub in found if sub.parent_code is None)
    )


def has_subdivisions(country: str) -> bool:
    """Whether ``country`` (ISO 3166-1 alpha-2) has top-level subdivisions to offer."""
    return bool(country) and bool(_top_level(country))


def subdivision_codes(country: str) -> frozenset[str]:
    """The top-level subdivision codes of ``country`` (``DE-BY``, …)."""
    return frozenset(code for code, _name in _top_level(country))


def subdivision_country(code: str) -> str:
    """The country part of a subdivision code: ``DE`` for ``DE-BY``."""
    return code.partition("-")[0].upper()


def _catalog_languages(language: str) -> list[str]:
    """Catalog names to try for a site language: ``pt-br`` → ``pt_BR`` then ``pt``."""
    base, _sep, region = language.partition("-")
    names = [f"{base}_{region.upper()}"] if region else []
    return [*names, base]


@functools.cache
def _catalog(language: str) -> gettext.NullTranslations:
    for name in _catalog_languages(language):
        try:
            return gettext.translation("iso3166-2", pycountry.LOCALES_DIR, languages=[name])
        except OSError:
            continue
    return gettext.NullTranslations()


def _localised(code: str, local: str, language: str) -> str:
    if subdivision_country(code) in FIXED_NAMES:
        return local
    found = pycountry.subdivisions.get(code=code)
    if found is None:
        return local
    return _BRACKETED.sub("", _catalog(language).gettext(found.name)) or local


def _active_language(language: str | None) -> str:
    return (language or translation.get_language() or "en").lower()


def subdivision_name(code: str, language: str | None = None) -> str:
    """A subdivision's name in ``language`` (default: the active one), else its local name,
    else the code itself."""
    if "-" not in code:
        return code
    local = dict(_top_level(subdivision_country(code))).get(code)
    if local is None:
        found = pycountry.subdivisions.get(code=code)
        if found is None:
            return code
        local = _BRACKETED.sub("", found.name)
    return _localised(code, local, _active_language(language))


@functools.lru_cache(maxsize=256)
def _choices(country: str, language: str) -> tuple[tuple[str, str], ...]:
    names = [(code, _localised(code, local, language)) for code, local in _top_level(country)]
    return tuple(sorted(names, key=lambda item: collator().sort_key(item[1])))


def subdivision_choices(country: str, language: str | None = None) -> tuple[tuple[str, str], ...]:
    """(code, name) of ``country``'s top-level subdivisions in ``language`` (default: the
    active one), in Unicode collation order of the names."""
    return _choices(country.upper(), _active_language(language))


def subdivision_names(country: str, language: str | None = None) -> dict[str, str]:
    """code → name of ``country``'s top-level subdivisions in ``language``."""
    return dict(subdivision_choices(country, language))
