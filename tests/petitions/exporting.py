"""Helpers for export tests: signatures made directly, and parsers for what exports produce."""

from __future__ import annotations

import csv
import datetime
import io
import subprocess

import openpyxl
from django.utils import translation

from petitions.models import Signature
from petitions.reporting.exports import write_export
from tests import factories

NAMES = [
    "Łukasz Żółć",
    "Ægir Ørsted",
    "Ξανθή Παπαδοπούλου",
    "Șerban Ionescu",
    "João Conceição",
    "Ђорђе",
]
FORMULAS = ['=HYPERLINK("http://evil","x")', "+1+1", "-2+3", "@SUM(A1)", "\tTab", "\rCR"]


def make_signature(
    petition,
    *,
    name: str,
    country: str = "DE",
    region: str = "",
    confirmed: bool = True,
    opt_in: bool = False,
    locale: str = "en",
    confirmed_at: datetime.datetime | None = None,
    partner=None,
    source: str = "",
) -> Signature:
    return factories.signature(
        petition=petition,
        name=name,
        country=country,
        region=region,
        locale=locale,
        confirmed=confirmed,
        confirmed_at=confirmed_at,
        updates_opt_in=opt_in,
        partner=partner,
        source=source,
    )


def export_bytes(petition, identifier: str, fmt: str) -> bytes:
    stream = io.BytesIO()
    with translation.override("en"):
        write_export(petition=petition, identifier=identifier, fmt=fmt, stream=stream)
    return stream.getvalue()


def csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "CSV must start with a UTF-8 byte order mark"
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def xlsx_rows(data: bytes) -> list[list]:
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    rows = []
    for sheet in workbook.worksheets:
        rows += [["" if v is None else v for v in row] for row in sheet.iter_rows(values_only=True)]
    return rows


def xlsx_cell_types(data: bytes) -> set[str]:
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    return {cell.data_type for sheet in workbook.worksheets for row in sheet for cell in row}


def pdf_text(data: bytes) -> str:
    result = subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", "-", "-"],
        input=data,
        capture_output=True,
        check=True,
    )
    return result.stdout.decode("utf-8")
