"""Exported PDFs read entirely in their language: CLDR numbers and dates, no English label.

Runs ``export_signatures --format pdf --language L`` and reads the text back with pdftotext
(poppler); skipped without it, except on CI (CI=true), where it must run.
"""

from __future__ import annotations

import datetime
import os
import re
import shutil
import subprocess

import pytest
from django.core.management import call_command
from django.utils import translation

from campaign.core.l10n import format_date, format_number
from petitions.models import Signature

LANGUAGES = ["de", "pt-br", "el", "pl"]
SUMMARIES = ["country", "region", "partner", "day"]
# Labels and fragments the exports print in English; each must be translated or, where the
# language writes the same word (German "Partner"), listed in SAME_WORD below.
ENGLISH = [
    "Signatures by country",
    "Signatures by region",
    "Signatures by source and partner",
    "Signatures by day",
    "Signer list",
    "Signatures",
    "Signers",
    "Code",
    "Country",
    "Region",
    "Partner",
    "Source",
    "Total",
    "Name",
    "Date confirmed",
    "Cumulative",
    "Indicative threshold",
    "Indicative threshold reached",
    "(none)",
    "(no region given)",
]
# Pieces of longer English sentences (the notes and the quorum citation).
FRAGMENTS = [
    "Legal basis",
    "Figures",
    "Indicative only",
    "member states",
    "Member States",
    "Regulation",
    "Annex",
    "electorate",
    "Superior Electoral Court",
    "registered from",
]
SAME_WORD = {
    "de": {"Code", "Partner", "Region", "Name"},
    "pt-br": {"Total"},
    "el": set(),
    "pl": {"Partner", "Region"},
}
MONTHS = r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b"
# In these languages "," is the decimal separator, so "2,001" would read as two point zero.
ENGLISH_NUMBER = re.compile(r"\d,\d{3}")


def pdftotext() -> str:
    path = shutil.which("pdftotext")
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail("pdftotext (poppler-utils) is required on CI for the PDF language tests")
        pytest.skip("pdftotext is not installed (apt-get install poppler-utils); CI runs this")
    return path


def exported_text(tmp_path, slug: str, language: str, *args: str) -> str:
    out = tmp_path / f"{slug}-{language}-{'-'.join(args) or 'signers'}.pdf"
    call_command(
        "export_signatures", slug, "--format", "pdf", "--language", language, *args, "-o", str(out)
    )
    text = subprocess.run(
        [pdftotext(), "-enc", "UTF-8", str(out), "-"], capture_output=True, check=True
    ).stdout.decode("utf-8")
    return one_line(text)


def one_line(text: str) -> str:
    """Whitespace (no-break spaces, line breaks of wrapped column titles) as single spaces."""
    return " ".join(text.split())


@pytest.fixture
def many_signers(eu_petition, br_petition):
    """Over a thousand confirmed signatures per petition, so totals need a group separator."""
    for petition in (eu_petition, br_petition):
        call_command("seed_signatures", petition.campaign.slug, "--count", "1234")
    day = datetime.datetime(2026, 3, 4, 12, tzinfo=datetime.UTC)
    Signature.objects.update(confirmed_at=day)
    return eu_petition, br_petition


@pytest.mark.parametrize("language", LANGUAGES)
def test_exported_pdfs_have_no_english_numbers_or_labels(tmp_path, many_signers, language):
    pdftotext()
    texts = [
        exported_text(tmp_path, slug, language, *(["--by", by] if by else []))
        for slug in ("banfacialrecognitioneu", "tiremeurostodasuamira")
        for by in [*SUMMARIES, None]
    ]
    text = "\n".join(texts)
    with translation.override(language):
        same = {label for label in ENGLISH if translation.gettext(label) == label}
        found = {
            label
            for label in ENGLISH
            if label not in same and re.search(rf"(?<!\w){re.escape(label)}(?!\w)", text)
        } | {fragment for fragment in FRAGMENTS if fragment in text}
        total = one_line(format_number(1234))
        day = one_line(format_date(datetime.date(2026, 3, 4), form="medium"))
    assert same == SAME_WORD[language]
    assert found == set()
    assert ENGLISH_NUMBER.findall(text) == []
    assert re.findall(MONTHS, text) == []
    # Localised figures are there: the total, the day, and a quorum threshold.
    summaries = texts[:4] + texts[5:9]
    assert [total in t for t in summaries] == [True] * 8
    assert day in texts[3] and day in texts[4]
    assert one_line(format_number(69_120, language)) in texts[0]
    assert one_line(format_number(104_004, language)) in texts[6]


def test_greek_signer_list_shows_the_whole_date_column_title(tmp_path, many_signers):
    text = exported_text(tmp_path, "banfacialrecognitioneu", "el")
    with translation.override("el"):
        title = translation.gettext("Date confirmed")
    assert title == "Ημερομηνία επιβεβαίωσης"
    assert f"Χώρα {title}" in text


def test_xlsx_dates_use_the_readers_format_and_csv_keeps_iso(eu_petition):
    import io

    import openpyxl

    from petitions.reporting.exports import write_export
    from tests.petitions.exporting import csv_rows, make_signature

    day = datetime.datetime(2026, 3, 4, 12, tzinfo=datetime.UTC)
    make_signature(eu_petition, name="Jürgen Weiß", country="DE", confirmed_at=day)
    xlsx, csv = io.BytesIO(), io.BytesIO()
    with translation.override("de"):
        write_export(petition=eu_petition, identifier="signers", fmt="xlsx", stream=xlsx)
        write_export(petition=eu_petition, identifier="signers", fmt="csv", stream=csv)
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.getvalue())).active
    cell = sheet.cell(row=2, column=4)
    assert (cell.value, cell.number_format) == (datetime.datetime(2026, 3, 4), "mm-dd-yy")
    assert csv_rows(csv.getvalue())[1] == ["Jürgen Weiß", "", "Deutschland", "2026-03-04"]
