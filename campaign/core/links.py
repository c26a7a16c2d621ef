"""Links that leave the site: in emails, feeds, webhooks and link previews."""

from __future__ import annotations

from django.conf import settings


def absolute_url(path: str) -> str:
    """An absolute URL on this site, from settings.SITE_URL (never from the Host header)."""
    return settings.SITE_URL + path
