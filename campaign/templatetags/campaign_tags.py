"""Template helpers for localised numbers and dates (Babel, from the active language)."""

from __future__ import annotations

import datetime

from django import template

from campaign import l10n

register = template.Library()


@register.filter
def number(value) -> str:
    """A whole number in the active language's format: 1,234 / 1.234 / 1 234."""
    try:
        return l10n.format_number(int(value))
    except (TypeError, ValueError):
        return str(value)


@register.filter
def localdate(value) -> str:
    """A date in the active language's long format: 3 March 2027 / 3. März 2027 / 3 de março."""
    if not isinstance(value, datetime.date):
        return ""
    return l10n.format_date(value)
