"""Numbers, percentages and dates in a language's CLDR format (Babel), for every human-readable
document: pages, emails, PDFs and XLSX display formats. CSV keeps plain digits for machines.

Each function takes the language explicitly (a Django code such as ``pt-br``) and falls back to
the active language, so documents built outside a request (tasks, commands) say which they use.
"""

from __future__ import annotations

import datetime
import functools
from decimal import Decimal

from babel import dates as babel_dates
from babel import numbers as babel_numbers
from django.utils import timezone
from django.utils.translation import get_language, to_locale
from pyuca import Collator

# CLDR's plain "pt" is Brazilian Portuguese; the site's "pt" is European Portuguese.
BABEL_LOCALES = {"pt": "pt_PT"}


def babel_locale(language: str | None = None) -> str:
    """The Babel locale for a Django language code: ``pt-br`` → ``pt_BR``, ``pt`` → ``pt_PT``,
    ``None`` → the active language."""
    language = language or get_language() or "en"
    return BABEL_LOCALES.get(language, to_locale(language))


def format_number(value: int | float, language: str | None = None) -> str:
    """A number as the language writes it: 1,234 (en) / 1.234 (de, pt-br) / 1 234 (fr, pl)."""
    return babel_numbers.format_decimal(value, locale=babel_locale(language))


def format_compact(value: int | float, language: str | None = None) -> str:
    """A large number in the language's short form, for tight spaces: 12K / 12 Tsd. / 1,2 M."""
    compact = babel_numbers.format_compact_decimal(
        value, locale=babel_locale(language), fraction_digits=1
    )
    # Some languages have no short form for thousands (de: 12345): group the digits then.
    return format_number(value, language) if compact.isdigit() else compact


def format_percent(
    value: float | Decimal, language: str | None = None, *, decimals: int = 1
) -> str:
    """A share (0.123 for 12.3 %) with up to ``decimals`` decimals: 12.3% / 12,3 % / %12,3."""
    # The locale's own pattern (its spacing and sign position), with the decimals rounded here.
    share = round(Decimal(str(value)), decimals + 2)
    return babel_numbers.format_percent(
        share, locale=babel_locale(language), decimal_quantization=False
    )


def format_date(
    value: datetime.date | datetime.datetime, language: str | None = None, *, form: str = "long"
) -> str:
    """A date in the language's ``long`` (3. März 2027) or ``short`` (03.03.27) CLDR format."""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return babel_dates.format_date(value, format=form, locale=babel_locale(language))


# CLDR skeletons for a date known to the year or to the month only ("2020", "January 2020").
PRECISION_SKELETONS = {"year": "y", "month": "yMMMM"}


def format_partial_date(value: datetime.date, precision: str, language: str | None = None) -> str:
    """A date known to the ``year``, ``month`` or ``day``, as the language writes it:
    2020 / January 2020 / 3 January 2020 (de: 2020 / Januar 2020 / 3. Januar 2020)."""
    skeleton = PRECISION_SKELETONS.get(precision)
    if skeleton is None:
        return format_date(value, language)
    return babel_dates.format_skeleton(skeleton, value, locale=babel_locale(language))


def format_datetime(value: datetime.datetime, language: str | None = None) -> str:
    """A moment as date and time in the language's medium CLDR format, in the site's time zone."""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return babel_dates.format_datetime(value, format="medium", locale=babel_locale(language))


@functools.cache
def collator() -> Collator:
    """Unicode Collation Algorithm order (root, untailored) for sorting names of any script."""
    return Collator()
