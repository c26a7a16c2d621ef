"""Indicative quorums: how far a petition is from the scale legislators recognise.

The figures live in ``petitions/data/quorums.json`` (source, legal basis, date and a threshold per
place) so an organizer can update them without touching code. Everything here is *indicative*:
an online petition is neither an ECI statement of support nor a popular-initiative signature.

- ``banfacialrecognitioneu``: the European Citizens' Initiative, Regulation (EU) 2019/788,
  Article 3(1): one million signatories from at least a quarter of the Member States (7 of 27),
  each past its minimum in Annex I (MEPs elected in that state × 750; 720 MEPs for the
  2024–2029 Parliament, e.g. DE 96 → 72,000, FR 81 → 60,750, MT 6 → 4,500).
- ``tiremeurostodasuamira``: the Constitution of Brazil, art. 61 §2: a bill presented to the
  Chamber of Deputies signed by at least 1% of the national electorate, spread over at least
  five states with at least 0.3% of the electorate of each, using the TSE (Tribunal Superior
  Eleitoral) electorate of the 2022 general elections.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings
from django_countries import countries

from petitions.counting import PetitionCounts
from petitions.regions import region_name

DATA_FILE = Path(__file__).resolve().parent / "data" / "quorums.json"


@dataclass(frozen=True)
class QuorumLine:
    place: str
    name: str
    signatures: int
    threshold: int
    reached: bool


@dataclass(frozen=True)
class QuorumSummary:
    lines: list[QuorumLine]
    places_reached: int
    places_needed: int
    total: int
    total_threshold: int
    source: str
    as_of: str

    @property
    def reached(self) -> bool:
        return self.places_reached >= self.places_needed and self.total >= self.total_threshold


def _data_file() -> Path:
    return Path(getattr(settings, "QUORUMS_FILE", DATA_FILE))


@cache
def _read(path: Path, mtime: float) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def quorum_data() -> dict:
    """The parsed data file, re-read whenever it changes on disk."""
    path = _data_file()
    return _read(path, path.stat().st_mtime)


def quorum_rule(slug: str) -> dict | None:
    """The quorum rule of a campaign (see the data file), or None when none applies."""
    return quorum_data().get(slug)


def place_name(code: str) -> str:
    """A place's display name: a Brazilian state, else a country in the active language."""
    if code.startswith("BR-"):
        return region_name(code)
    return str(countries.name(code)) or code


def quorum_summary(*, petition, counts: PetitionCounts) -> QuorumSummary | None:
    """The petition's indicative quorum lines per place, or None when no rule applies.

    ``total`` counts only signatures from the places of the rule (the member states, or the
    Brazilian states), since only those count towards the legal threshold.
    """
    rule = quorum_rule(petition.campaign.slug)
    if rule is None:
        return None
    by_place = counts.by_region if rule["place_kind"] == "region" else counts.by_country
    lines = []
    for code, place in rule["places"].items():
        n = by_place.get(code, 0)
        threshold = int(place["threshold"])
        lines.append(QuorumLine(code, place_name(code), n, threshold, n >= threshold))
    lines.sort(key=lambda line: (-line.signatures, line.name))
    return QuorumSummary(
        lines=lines,
        places_reached=sum(line.reached for line in lines),
        places_needed=int(rule["places_needed"]),
        total=sum(line.signatures for line in lines),
        total_threshold=int(rule["total_threshold"]),
        source=f"{rule['legal_basis']}. Figures: {rule['source']}",
        as_of=rule["as_of"],
    )
