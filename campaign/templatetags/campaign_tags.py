"""Template helpers for localised numbers and dates (Babel, from the active language)."""

from __future__ import annotations

import datetime

from babel.dates import format_date
from babel.numbers import format_decimal
from django import template
from django.utils import timezone
from django.utils.translation import get_language, to_locale

register = template.Library()


def active_locale() -> str:
    return to_locale(get_language() or "en")


@register.filter
def number(value) -> str:
    """A whole number in the active language's format: 1,234 / 1.234 / 1 234."""
    try:
        return format_decimal(int(value), locale=active_locale())
    except (TypeError, ValueError):
        return str(value)


@register.filter
def localdate(value) -> str:
    """A date in the active language's long format: 3 March 2027 / 3. März 2027 / 3 de março."""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if not isinstance(value, datetime.date):
        return ""
    return format_date(value, format="long", locale=active_locale())
