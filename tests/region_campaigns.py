"""Campaigns of the other region kinds, made from the EU launch content: the subdivisions of
Germany (DE-BY, …) and no place at all."""

from __future__ import annotations

import copy
import json

from petitions.seeding import CONTENT_DIR, seed_campaign

DE_REGIONS = "regionende"
PLACELESS = "nurnameundmail"


def seed_region_campaign(*, slug: str, region_kind: str, region_country: str = ""):
    """A listed campaign with a petition, the EU campaign's texts, and the given region kind."""
    data = json.loads((CONTENT_DIR / "banfacialrecognitioneu.json").read_text(encoding="utf-8"))
    data = copy.deepcopy(data)
    data.update(
        slug=slug,
        hashtag=f"#{slug}",
        region_kind=region_kind,
        region_country=region_country,
        coalition=[],
    )
    return seed_campaign(data)
