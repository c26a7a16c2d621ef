"""Registry of exporters.

placeholder; replaced at merge by branch issue4-exports. Two tiny CSV exporters with the
interface's names, only so the organizer views can be built and tested.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import BinaryIO

from django.utils.translation import gettext_lazy as _

from petitions.models import SignatureStatus


class Exporter:
    identifier: str = ""
    name = ""
    formats: tuple[str, ...] = ("csv",)
    personal_data: bool = False
    required_role: str = "viewer"

    def rows(self, petition) -> Iterator[list]:
        raise NotImplementedError


class SummaryCountryExporter(Exporter):
    identifier = "summary_country"
    name = _("Signatures by country")

    def rows(self, petition):
        from petitions.counting import petition_counts

        yield ["country", "signatures"]
        yield from ([c, n] for c, n in petition_counts(petition_id=petition.pk).by_country.items())


class SignersExporter(Exporter):
    identifier = "signers"
    name = _("Signer list")
    personal_data = True
    required_role = "organizer"

    def rows(self, petition):
        yield ["name", "region", "country", "confirmed_at"]
        for s in petition.signatures.filter(status=SignatureStatus.CONFIRMED).order_by("pk"):
            yield [s.name, s.region, str(s.country), s.confirmed_at.isoformat()]


EXPORTERS: dict[str, type[Exporter]] = {
    e.identifier: e for e in (SummaryCountryExporter, SignersExporter)
}
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8"}


def stream_export(*, petition, identifier: str, fmt: str) -> Iterator[bytes]:
    for row in EXPORTERS[identifier]().rows(petition):
        buffer = io.StringIO()
        csv.writer(buffer).writerow(row)
        yield buffer.getvalue().encode()


def write_export(*, petition, identifier: str, fmt: str, stream: BinaryIO) -> int:
    chunks = 0
    for chunk in stream_export(petition=petition, identifier=identifier, fmt=fmt):
        stream.write(chunk)
        chunks += 1
    return max(chunks - 1, 0)  # one chunk per row, after the header


def export_filename(*, petition, identifier: str, fmt: str) -> str:
    return f"{petition.slug}-{identifier}.{fmt}"
