"""Indicative quorums: how far a petition is from the scale legislators recognise.

The figures live in ``petitions/reporting/data/quorums.json`` (source, legal basis, date and a threshold per
place) so an organizer can update them without touching code. Everything here is *indicative*:
an online petition is neither an ECI statement of support nor a popular-initiative signature.

- ``banfacialrecognitioneu``: the European Citizens' Initiative, Regulation (EU) 2019/788,
  Article 3(1): one million signatories from at least a quarter of the Member States (7 of 27),
  each past its minimum in Annex I (MEPs elected in that state × the total number of MEPs: 720
  for initiatives registered from 16 July 2024, e.g. DE 96 → 69,120, FR 81 → 58,320,
  MT 6 → 4,320; the 705-MEP table before is kept under ``previous``).
- ``tiremeurostodasuamira``: the Constitution of Brazil, art. 61 §2: a bill presented to the
  Chamber of Deputies signed by at least 1% of the national electorate, spread over at least
  five states with at least 0.3% of the electorate of each, using the TSE (Tribunal Superior
  Eleitoral) electorate of the general election of 2 October 2022.

Documents cite the legal basis and the figures' date in their own language (``legal_basis``,
``figures`` and a summary's ``source`` are read in the active language).
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

from django.conf import settings
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django_countries import countries

from campaign.core.l10n import format_date, format_number, format_percent
from petitions.regions import region_name
from petitions.reporting.counting import PetitionCounts

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
    """The quorum lines and totals. ``source`` (legal basis and figures, with their date) is a
    lazy text: it reads in whatever language is active when rendered."""

    lines: list[QuorumLine]
    places_reached: int
    places_needed: int
    total: int
    total_threshold: int
    source: str

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
    """A place's display name in the active language: a region (``DE-BY``, ``BR-SP``), else a
    country."""
    if "-" in code:
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
        source=lazy(citation, str)(rule),
    )


def citation(rule: dict) -> str:
    """ "Legal basis: …. Figures: … (with their date)." in the active language."""
    return _("Legal basis: %(basis)s. Figures: %(figures)s.") % {
        "basis": legal_basis(rule),
        "figures": figures_source(rule),
    }


def legal_basis(rule: dict) -> str:
    """The rule's legal basis in the active language, its figures formatted by CLDR."""
    if rule.get("kind") == "eci":
        return _(
            "Regulation (EU) 2019/788, Article 3(1) and Annex I: one million signatories, and in "
            "at least %(places)s Member States at least as many as the Members of the European "
            "Parliament elected there × %(multiplier)s"
        ) % {
            "places": format_number(rule["places_needed"]),
            "multiplier": format_number(rule["multiplier"]),
        }
    if rule.get("kind") == "br_popular_initiative":
        return _(
            "Constitution of Brazil, art. 61 § 2, and Law 9.709/1998, art. 13: %(national)s of "
            "the national electorate, spread over at least %(places)s states with at least "
            "%(per_state)s of the electorate of each"
        ) % {
            "national": format_percent(Decimal(rule["total_share"])),
            "places": format_number(rule["places_needed"]),
            "per_state": format_percent(Decimal(rule["place_share"])),
        }
    return rule["legal_basis"]


def figures_source(rule: dict) -> str:
    """Where the rule's figures come from and their date, in the active language."""
    date = format_date(datetime.date.fromisoformat(rule["as_of"]))
    if rule.get("kind") == "eci":
        return _(
            "Annex I for initiatives registered from %(date)s (European Parliament 2024–2029, "
            "%(meps)s Members)"
        ) % {"date": date, "meps": format_number(rule["meps_total"])}
    if rule.get("kind") == "br_popular_initiative":
        return _(
            "electorate per state of the Superior Electoral Court (TSE), general election of "
            "%(date)s"
        ) % {"date": date}
    return f"{rule['source']} ({date})"
