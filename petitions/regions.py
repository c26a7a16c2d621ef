"""Signer regions: the top-level subdivisions of a campaign's country (ISO 3166-2).

The lists and names live in campaign/core/subdivisions.py; Brazil's 26 states and the Federal
District keep the names they always had (BRAZILIAN_STATES).
"""

from __future__ import annotations

from campaign.core.subdivisions import BRAZILIAN_STATES, subdivision_name

__all__ = ["BRAZILIAN_STATES", "region_name"]


def region_name(code: str, language: str | None = None) -> str:
    """A region's name in ``language`` (default: the active one), or the code if unknown."""
    return subdivision_name(code, language)
