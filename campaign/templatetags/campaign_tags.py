"""Template helpers for localised numbers."""

from __future__ import annotations

from babel.numbers import format_decimal
from django import template
from django.utils.translation import get_language, to_locale

register = template.Library()


@register.filter
def number(value) -> str:
    """A whole number in the active language's format: 1,234 / 1.234 / 1 234."""
    try:
        return format_decimal(int(value), locale=to_locale(get_language() or "en"))
    except (TypeError, ValueError):
        return str(value)
