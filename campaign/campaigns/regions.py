"""A campaign's region kind: what the campaign forms offer and how they check it.

- ``none``: signers give only their name and email address; no place is asked or counted.
- ``country``: signers choose their country.
- ``subdivision``: signers choose their country and, when it is the campaign's country
  (``region_country``), one of its top-level subdivisions (campaign/core/subdivisions.py).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from campaign.campaigns.models import RegionKind
from campaign.core.l10n import collator
from campaign.core.subdivisions import has_subdivisions


def region_kind_choices() -> list[tuple[str, str]]:
    """The region kinds, for a select or radio buttons (labels in the active language)."""
    return [(kind.value, str(kind.label)) for kind in RegionKind]


def region_country_choices() -> list[tuple[str, str]]:
    """The countries whose subdivisions may be offered, by name in the active language."""
    names = [(code, str(name)) for code, name in countries if has_subdivisions(code)]
    return sorted(names, key=lambda item: collator().sort_key(item[1]))


def clean_region_kind(*, region_kind: str, region_country: str) -> tuple[str, str]:
    """The kind and country as stored, or a ValidationError keyed by the field at fault.

    The country is kept only for ``subdivision`` (upper-cased) and must have subdivisions.
    """
    if region_kind not in RegionKind.values:
        raise ValidationError({"region_kind": _("Please choose where signers are from.")})
    if region_kind != RegionKind.SUBDIVISION:
        return region_kind, ""
    country = (region_country or "").strip().upper()
    if not country:
        raise ValidationError(
            {"region_country": _("Please choose the country whose regions signers choose.")}
        )
    if country not in dict(countries) or not has_subdivisions(country):
        raise ValidationError(
            {"region_country": _("Please choose a country with regions from the list.")}
        )
    return region_kind, country
