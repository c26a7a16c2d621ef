"""Indicative quorums (ECI minimums, Brazilian popular initiative) for a petition's counts.

placeholder; replaced at merge by branch issue4-exports. Only the interface is here, so the
organizer dashboard can render the block; quorum_summary returns None until the real module.
"""

from __future__ import annotations

from dataclasses import dataclass


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


def quorum_summary(*, petition, counts) -> QuorumSummary | None:
    return None
