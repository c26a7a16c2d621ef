"""Template helpers for localised numbers and dates (Babel, from the active language)."""

from __future__ import annotations

import datetime

from django import template

from campaign.campaigns.models import Role
from campaign.core import l10n, markup

register = template.Library()


@register.filter
def number(value) -> str:
    """A whole number in the active language's format: 1,234 / 1.234 / 1 234."""
    try:
        return l10n.format_number(int(value))
    except (TypeError, ValueError):
        return str(value)


@register.filter
def localdate(value, form: str = "long") -> str:
    """A date in the active language's long format: 3 March 2027 / 3. März 2027 / 3 de março
    (``|localdate:"medium"`` for tables: 3 Mar 2027 / 03.03.2027)."""
    if not isinstance(value, datetime.date):
        return ""
    return l10n.format_date(value, form=form)


@register.filter
def localdatetime(value) -> str:
    """A moment as the active language writes date and time: 3 Mar 2027, 14:05:09."""
    if not isinstance(value, datetime.datetime):
        return ""
    return l10n.format_datetime(value)


@register.filter
def percent(value) -> str:
    """A percentage given out of 100 (75.0) as the active language writes it: 75% / 75 %."""
    try:
        return l10n.format_percent(float(value) / 100)
    except (TypeError, ValueError):
        return str(value)


@register.filter
def campaign_text(value) -> str:
    """Organizer-written campaign text as safe HTML: paragraphs, links, emphasis and lists
    (the subset of campaign/core/markup.py), always sanitised by nh3. Every page that shows a
    campaign's text renders it through this filter."""
    return markup.render(value or "")


@register.filter
def role_label(value) -> str:
    """A campaign role's name in the active language ("owner" → "Owner" / "Eigentümer")."""
    try:
        return str(Role(value).label)
    except ValueError:
        return str(value)
