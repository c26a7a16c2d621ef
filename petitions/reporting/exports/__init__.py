"""The registry of exporters and the two ways to run one: into a file, or as a byte stream.

Views check ``Exporter.required_role`` (and record an audit event for ``personal_data``) before
calling these; commands and tasks call them directly. See ``base.py`` for the renderers.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from typing import BinaryIO

from django.http import StreamingHttpResponse
from django.utils import timezone

from petitions.reporting.exports.base import Exporter, neutralise
from petitions.reporting.exports.exporters import (
    ContactList,
    CountrySummary,
    DaySummary,
    PartnerSummary,
    RegionSummary,
    SignerList,
)

__all__ = [
    "CONTENT_TYPES",
    "EXPORTERS",
    "Exporter",
    "export_filename",
    "export_response",
    "get_exporter",
    "neutralise",
    "stream_export",
    "write_export",
]

EXPORTERS: dict[str, type[Exporter]] = {
    exporter.identifier: exporter
    for exporter in (
        CountrySummary,
        RegionSummary,
        PartnerSummary,
        DaySummary,
        SignerList,
        ContactList,
    )
}

CONTENT_TYPES: dict[str, str] = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}

STREAM_CHUNK = 64 * 1024


def get_exporter(*, petition, identifier: str, fmt: str) -> Exporter:
    """An exporter instance; KeyError for an unknown identifier, ValueError for a format."""
    exporter_class = EXPORTERS[identifier]
    if fmt not in exporter_class.formats:
        raise ValueError(f"{identifier} is not offered as {fmt}")
    return exporter_class(petition=petition)


def write_export(*, petition, identifier: str, fmt: str, stream: BinaryIO) -> int:
    """Write an export to a binary stream; returns the number of data rows written."""
    return get_exporter(petition=petition, identifier=identifier, fmt=fmt).render(fmt, stream)


def stream_export(*, petition, identifier: str, fmt: str) -> Iterator[bytes]:
    """The export as chunks of bytes, for a StreamingHttpResponse.

    CSV is produced row chunk by row chunk as the client reads; XLSX and PDF are built in a
    temporary file on disk first (their formats need the whole document) and then streamed.
    """
    exporter = get_exporter(petition=petition, identifier=identifier, fmt=fmt)
    if fmt == "csv":
        return exporter.csv_chunks()
    return _spooled(exporter, fmt)


def _spooled(exporter: Exporter, fmt: str) -> Iterator[bytes]:
    with tempfile.TemporaryFile() as spool:
        exporter.render(fmt, spool)
        spool.seek(0)
        while chunk := spool.read(STREAM_CHUNK):
            yield chunk


def export_filename(*, petition, identifier: str, fmt: str) -> str:
    """E.g. ``banfacialrecognitioneu-signers-2026-11-22.csv``."""
    return f"{petition.campaign.slug}-{identifier}-{timezone.now():%Y-%m-%d}.{fmt}"


def export_response(*, petition, identifier: str, fmt: str) -> StreamingHttpResponse:
    """A streaming download of the export, never cached (views check the role first)."""
    response = StreamingHttpResponse(
        stream_export(petition=petition, identifier=identifier, fmt=fmt),
        content_type=CONTENT_TYPES[fmt],
    )
    filename = export_filename(petition=petition, identifier=identifier, fmt=fmt)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
