"""The exporters: summaries by place, source and day (counts only), signer and contact lists.

Only counted signatures (confirmed, not held for review) ever appear. Summaries by place are built from
``petitions.reporting.counting.petition_counts``, so their totals equal the public API's.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import ClassVar

from django.db import connections
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import countries

from campaign.conf.dbrouting import read_only_alias
from campaign.core.l10n import format_number
from campaign.core.subdivisions import subdivision_names
from petitions.models import counted_sql
from petitions.reporting.counting import (
    PetitionCounts,
    counts_by_day,
    counts_by_source,
    petition_counts,
)
from petitions.reporting.exports.base import Exporter, sql_neutralise, yes_no
from petitions.reporting.quorums import QuorumSummary, place_name, quorum_rule, quorum_summary

FETCH_ROWS = 5000


def stream_batches(sql: str, params: Sequence) -> Iterator[list[tuple]]:
    """Rows of a query in batches through a server-side cursor (constant memory), read from the
    replica when one is configured (DATABASE_REPLICA_URL)."""
    with connections[read_only_alias()].chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(FETCH_ROWS):
            yield rows


def stream_rows(sql: str, params: Sequence) -> Iterator[tuple]:
    """Rows of a query through a server-side cursor, fetched in chunks (constant memory)."""
    for batch in stream_batches(sql, params):
        yield from batch


def country_names() -> dict[str, str]:
    return {code: str(name) for code, name in countries}


def quorum_notes(summary: QuorumSummary | None, place_label: str) -> list[str]:
    if summary is None:
        return []
    return [
        _(
            "Indicative only: an online petition is neither a European Citizens' Initiative "
            "statement of support nor a formal popular-initiative signature."
        ),
        _(
            "%(reached)s of the %(needed)s %(places)s needed are past their minimum; "
            "%(total)s of %(threshold)s signatures from these places."
        )
        % {
            "reached": format_number(summary.places_reached),
            "needed": format_number(summary.places_needed),
            "places": place_label,
            "total": format_number(summary.total),
            "threshold": format_number(summary.total_threshold),
        },
        str(summary.source),
    ]


class PlaceSummaryExporter(Exporter):
    """Confirmed signatures per place, with the indicative quorum where the place kind has one."""

    place_kind: str  # "country" or "region"
    personal_data = False
    required_role = "viewer"

    def __init__(self, *, petition, counts: PetitionCounts | None = None) -> None:
        super().__init__(petition=petition)
        self.counts = counts or petition_counts(petition_id=petition.pk)
        rule = quorum_rule(petition.campaign.slug)
        self.quorum = (
            quorum_summary(petition=petition, counts=self.counts)
            if rule and rule["place_kind"] == self.place_kind
            else None
        )

    @property
    def pdf_widths(self):
        return (0.8, 2.4, 1.3, 1.9, 2.6) if self.quorum else (1, 3, 1.4)

    def header(self) -> list[str]:
        header = [_("Code"), self.place_column(), _("Signatures")]
        if self.quorum:
            header += [_("Indicative threshold"), _("Indicative threshold reached")]
        return header

    def place_column(self) -> str:
        return _("Country") if self.place_kind == "country" else _("Region")

    def place_counts(self) -> dict[str, int]:
        return self.counts.by_country if self.place_kind == "country" else self.counts.by_region

    def rows(self) -> Iterator[Sequence]:
        by_place = dict(self.place_counts())
        thresholds = {line.place: line for line in self.quorum.lines} if self.quorum else {}
        for code in thresholds:
            by_place.setdefault(code, 0)
        for code, n in sorted(by_place.items(), key=lambda item: (-item[1], item[0])):
            row = [code, place_name(code), n]
            if self.quorum:
                line = thresholds.get(code)
                row += [line.threshold, yes_no(line.reached)] if line else ["", ""]
            yield row
        unplaced = self.counts.total - sum(by_place.values())
        if unplaced:
            yield ["", _("(no region given)"), unplaced] + (["", ""] if self.quorum else [])
        yield ["", _("Total"), self.counts.total] + (["", ""] if self.quorum else [])

    def notes(self) -> list[str]:
        label = _("member states") if self.place_kind == "country" else _("states")
        return quorum_notes(self.quorum, label)


class CountrySummary(PlaceSummaryExporter):
    identifier = "summary_country"
    name = gettext_lazy("Signatures by country")
    place_kind = "country"


class RegionSummary(PlaceSummaryExporter):
    identifier = "summary_region"
    name = gettext_lazy("Signatures by region")
    place_kind = "region"


class PartnerSummary(Exporter):
    identifier = "summary_partner"
    name = gettext_lazy("Signatures by source and partner")
    personal_data = False
    required_role = "viewer"
    pdf_widths = (3, 2, 1.2)

    def header(self) -> list[str]:
        return [_("Partner"), _("Source"), _("Signatures")]

    def rows(self) -> Iterator[Sequence]:
        total = 0
        for partner, source, n in counts_by_source(petition_id=self.petition.pk):
            total += n
            yield [partner or _("(none)"), source, n]
        yield [_("Total"), "", total]


class DaySummary(Exporter):
    identifier = "summary_day"
    name = gettext_lazy("Signatures by day")
    personal_data = False
    required_role = "viewer"
    pdf_widths = (2, 1.5, 1.5)

    def header(self) -> list[str]:
        return [_("Date confirmed"), _("Signatures"), _("Cumulative")]

    def rows(self) -> Iterator[Sequence]:
        total = 0
        for day, n in counts_by_day(petition_id=self.petition.pk):
            total += n
            yield [day, n, total]
        yield [_("Total"), total, total]


class SignatureListExporter(Exporter):
    """A list of counted signatures from one SQL query, streamed through a server-side cursor.

    ``columns`` are SQL expressions over ``s`` (the signature), ``c.name`` (the country's name)
    and ``r.name`` (the region's name); the names are passed as parameters in the active
    language. For CSV the database also neutralises the text, so Python only writes batches.
    """

    columns: ClassVar[tuple[str, ...]]
    text_columns: ClassVar[tuple[bool, ...]]
    where: ClassVar[str] = ""

    def sql(self, *, inert: bool) -> tuple[str, list]:
        names = country_names()
        # A signature's region is one of the campaign's country (none when it asks for none).
        regions = subdivision_names(self.petition.campaign.subdivision_country)
        columns = ", ".join(
            sql_neutralise(column)
            if inert and text
            else column
            if inert or column != _DAY
            else _DAY_DATE
            for column, text in zip(self.columns, self.text_columns, strict=True)
        )
        sql = f"""
            SELECT {columns}
            FROM petitions_signature s
            LEFT JOIN unnest(%s::text[], %s::text[]) AS c(code, name) ON c.code = s.country
            LEFT JOIN unnest(%s::text[], %s::text[]) AS r(code, name) ON r.code = s.region
            WHERE s.petition_id = %s AND {counted_sql("s")} {self.where}
            ORDER BY s.id
        """
        params = [
            list(names),
            list(names.values()),
            list(regions),
            list(regions.values()),
            self.petition.pk,
        ]
        return sql, params

    def rows(self) -> Iterator[Sequence]:
        return stream_rows(*self.sql(inert=False))

    def row_batches(self) -> Iterator[list[Sequence]]:
        return stream_batches(*self.sql(inert=True))


_DAY = "to_char(s.confirmed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
# XLSX and PDF get a date (shown in the reader's or the document's format); CSV the ISO text.
_DAY_DATE = "(s.confirmed_at AT TIME ZONE 'UTC')::date"


class SignerList(SignatureListExporter):
    """The signer list for delivery: no email addresses, no postal codes."""

    identifier = "signers"
    name = gettext_lazy("Signer list")
    personal_data = True
    required_role = "organizer"
    # The date column fits the longest medium CLDR date (Latvian "2026. gada 28. marts").
    pdf_widths = (2.8, 1.6, 1.6, 1.6)
    columns = ("s.name", "coalesce(r.name, s.region)", "coalesce(c.name, s.country)", _DAY)
    text_columns = (True, True, True, False)

    def header(self) -> list[str]:
        return [_("Name"), _("Region"), _("Country"), _("Date confirmed")]


class ContactList(SignatureListExporter):
    """Counted signers who opted in to the campaign's updates, with email and language."""

    identifier = "contacts"
    name = gettext_lazy("Contact list (opted in to updates)")
    personal_data = True
    required_role = "organizer"
    formats = ("csv", "xlsx")
    columns = ("s.name", "s.email", "s.locale", "coalesce(c.name, s.country)", _DAY)
    text_columns = (True, True, False, True, False)
    where = "AND s.updates_opt_in"

    def header(self) -> list[str]:
        return [_("Name"), _("Email"), _("Language"), _("Country"), _("Date confirmed")]
