import datetime
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import translation

from campaign.campaigns.models import Partner
from petitions.reporting.counting import petition_counts
from petitions.reporting.exports import (
    CONTENT_TYPES,
    EXPORTERS,
    export_filename,
    neutralise,
    stream_export,
    write_export,
)
from petitions.reporting.exports.base import FORMULA_TRIGGERS, sql_neutralise
from tests.petitions.exporting import (
    FORMULAS,
    NAMES,
    csv_rows,
    export_bytes,
    make_signature,
    pdf_text,
    xlsx_cell_types,
    xlsx_rows,
)

EU = "banfacialrecognitioneu"
BR = "tiremeurostodasuamira"


@pytest.fixture
def eu_signers(eu_petition):
    """Confirmed signers with every script, formula-like names, and a pending one that must not leak."""
    day = datetime.datetime(2026, 3, 1, 12, tzinfo=datetime.UTC)
    countries = ["PL", "DK", "GR", "RO", "PT", "DE"]
    for i, (name, country) in enumerate(zip(NAMES, countries, strict=True)):
        make_signature(eu_petition, name=name, country=country, opt_in=i % 2 == 0, confirmed_at=day)
    for name in FORMULAS:
        make_signature(eu_petition, name=name, country="FR", confirmed_at=day, opt_in=True)
    make_signature(eu_petition, name="Pending Person", country="FR", confirmed=False, opt_in=True)
    return eu_petition


def api_payload(client, slug):
    return client.get(f"/api/v1/petitions/{slug}").json()


def test_registry_offers_the_agreed_exporters():
    assert {key: (e.personal_data, e.required_role) for key, e in EXPORTERS.items()} == {
        "summary_country": (False, "viewer"),
        "summary_region": (False, "viewer"),
        "summary_partner": (False, "viewer"),
        "summary_day": (False, "viewer"),
        "signers": (True, "organizer"),
        "contacts": (True, "organizer"),
    }
    assert all(set(e.formats) <= set(CONTENT_TYPES) for e in EXPORTERS.values())
    assert EXPORTERS["contacts"].formats == ("csv", "xlsx")


def test_neutralise_prefixes_formula_triggers_only():
    assert [neutralise(v) for v in FORMULAS] == ["'" + v for v in FORMULAS]
    assert [neutralise(v) for v in ["", "Ana", "'quoted", " =x", "São"]] == [
        "",
        "Ana",
        "'quoted",
        " =x",
        "São",
    ]


def test_sql_neutralise_does_what_neutralise_does(db):
    values = [*FORMULAS, *(f"{t}x" for t in FORMULA_TRIGGERS), "", "Ana", "'quoted", " =x", "São"]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {sql_neutralise('v')} FROM unnest(%s::text[]) WITH ORDINALITY AS t(v, i) "
            "ORDER BY i",
            [values],
        )
        in_sql = [row[0] for row in cursor.fetchall()]
    assert in_sql == [neutralise(v) for v in values]


def test_summary_country_totals_equal_the_api(client, eu_signers):
    rows = csv_rows(export_bytes(eu_signers, "summary_country", "csv"))
    assert rows[0] == [
        "Code",
        "Country",
        "Signatures",
        "Indicative threshold",
        "Indicative threshold reached",
    ]
    data, total = rows[1:-1], rows[-1]
    api = api_payload(client, EU)
    assert total == ["", "Total", str(api["signatures"]), "", ""]
    assert {r[0]: int(r[2]) for r in data if int(r[2])} == api["by_country"]
    assert sum(int(r[2]) for r in data) == api["signatures"] == 12
    assert ["FR", "France", "6", "58320", "no"] in data
    assert ["MT", "Malta", "0", "4320", "no"] in data  # every member state, with its minimum
    assert len(data) == 27


def test_summary_region_for_brazil_has_the_state_quorum(client, br_petition):
    for _ in range(3):
        make_signature(br_petition, name="João Conceição", country="BR", region="BR-RR")
    make_signature(br_petition, name="Ana", country="BR", region="BR-SP", confirmed=False)
    rows = csv_rows(export_bytes(br_petition, "summary_region", "csv"))
    assert rows[1] == ["BR-RR", "Roraima", "3", "1099", "no"]
    assert rows[-1] == ["", "Total", "3", "", ""]
    assert len(rows) == 1 + 27 + 1
    assert api_payload(client, BR)["by_region"] == {"BR-RR": 3}


def test_summary_region_accounts_for_signers_without_region(eu_signers):
    rows = csv_rows(export_bytes(eu_signers, "summary_region", "csv"))
    assert rows == [
        ["Code", "Region", "Signatures"],
        ["", "(no region given)", "12"],
        ["", "Total", "12"],
    ]


def test_summary_partner_and_day_totals(eu_petition, client):
    partner = Partner.objects.create(campaign=eu_petition.campaign, name="=Evil Partner")
    first = datetime.datetime(2026, 3, 1, 23, 59, tzinfo=datetime.UTC)
    make_signature(eu_petition, name="A", partner=partner, source="widget", confirmed_at=first)
    make_signature(eu_petition, name="B", source="newsletter", confirmed_at=first)
    make_signature(eu_petition, name="C", confirmed_at=first + datetime.timedelta(minutes=2))
    make_signature(eu_petition, name="D", confirmed=False)
    assert csv_rows(export_bytes(eu_petition, "summary_partner", "csv")) == [
        ["Partner", "Source", "Signatures"],
        ["'=Evil Partner", "widget", "1"],
        ["(none)", "", "1"],
        ["(none)", "newsletter", "1"],
        ["Total", "", "3"],
    ]
    assert csv_rows(export_bytes(eu_petition, "summary_day", "csv")) == [
        ["Date confirmed", "Signatures", "Cumulative"],
        ["2026-03-01", "2", "2"],
        ["2026-03-02", "1", "3"],
        ["Total", "3", "3"],
    ]
    assert api_payload(client, EU)["signatures"] == 3


def test_signers_csv_has_every_name_no_email_and_no_pending(eu_signers):
    data = export_bytes(eu_signers, "signers", "csv")
    rows = csv_rows(data)
    assert rows[0] == ["Name", "Region", "Country", "Date confirmed"]
    assert rows[1:7] == [
        ["Łukasz Żółć", "", "Poland", "2026-03-01"],
        ["Ægir Ørsted", "", "Denmark", "2026-03-01"],
        ["Ξανθή Παπαδοπούλου", "", "Greece", "2026-03-01"],
        ["Șerban Ionescu", "", "Romania", "2026-03-01"],
        ["João Conceição", "", "Portugal", "2026-03-01"],
        ["Ђорђе", "", "Germany", "2026-03-01"],
    ]
    assert [r[0] for r in rows[7:]] == ["'" + name for name in FORMULAS]
    assert len(rows) - 1 == petition_counts(petition_id=eu_signers.pk).total
    assert b"@example.org" not in data
    assert "Pending Person" not in data.decode("utf-8")


def test_signers_xlsx_neutralises_formulas_and_keeps_every_name(eu_signers):
    data = export_bytes(eu_signers, "signers", "xlsx")
    rows = xlsx_rows(data)
    assert rows[0] == ["Name", "Region", "Country", "Date confirmed"]
    # A stored CR may come back as LF (XML line-end handling, depending on whether openpyxl
    # reads with lxml or the standard library); the cell still starts with the quote.
    expected = NAMES + ["'" + name.replace("\r", "\n") for name in FORMULAS]
    assert [r[0].replace("\r", "\n") for r in rows[1:]] == expected
    assert "f" not in xlsx_cell_types(data)  # no cell is a formula
    assert b"@example.org" not in data
    assert "Pending Person" not in str(rows)


def test_signers_pdf_keeps_every_name(eu_signers):
    text = pdf_text(export_bytes(eu_signers, "signers", "pdf"))
    for name in NAMES:
        assert name in text
    assert "@example.org" not in text
    assert "Pending Person" not in text


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_contacts_lists_only_confirmed_opted_in_signers(eu_signers, fmt):
    data = export_bytes(eu_signers, "contacts", fmt)
    rows = csv_rows(data) if fmt == "csv" else xlsx_rows(data)
    assert rows[0] == ["Name", "Email", "Language", "Country", "Date confirmed"]
    names = [r[0].replace("\n", "\r") for r in rows[1:]]  # XML reads CR back as LF
    assert names == ["Łukasz Żółć", "Ξανθή Παπαδοπούλου", "João Conceição"] + [
        "'" + name for name in FORMULAS
    ]
    assert all(r[1].endswith("@example.org") and r[2] == "en" for r in rows[1:])


@pytest.mark.parametrize("identifier", sorted(EXPORTERS))
def test_every_format_renders_every_exporter(eu_signers, identifier):
    for fmt in EXPORTERS[identifier].formats:
        data = export_bytes(eu_signers, identifier, fmt)
        if fmt == "pdf":
            text = pdf_text(data)
            assert "#BanFacialRecognitionEU" in text
            if identifier == "summary_country":
                assert "Indicative only" in text and "2019/788" in text
        elif fmt == "xlsx":
            assert xlsx_rows(data)[0]
        else:
            assert csv_rows(data)[0]


def test_summary_pdf_and_xlsx_show_the_totals(eu_signers):
    text = pdf_text(export_bytes(eu_signers, "summary_country", "pdf"))
    assert "Total" in text and "58,320" in text
    rows = xlsx_rows(export_bytes(eu_signers, "summary_country", "xlsx"))
    assert rows[-1] == ["", "Total", 12, "", ""]


def test_stream_export_yields_the_same_bytes_as_write_export(eu_signers):
    with translation.override("en"):
        streamed = b"".join(stream_export(petition=eu_signers, identifier="signers", fmt="csv"))
    assert streamed == export_bytes(eu_signers, "signers", "csv")
    pdf = b"".join(stream_export(petition=eu_signers, identifier="signers", fmt="pdf"))
    assert "Ђорђе" in pdf_text(pdf)


def test_write_export_refuses_a_format_not_offered(eu_signers):
    with pytest.raises(ValueError):
        write_export(petition=eu_signers, identifier="contacts", fmt="pdf", stream=io.BytesIO())


def test_export_filename(eu_petition):
    name = export_filename(petition=eu_petition, identifier="signers", fmt="xlsx")
    assert name.startswith("banfacialrecognitioneu-signers-") and name.endswith(".xlsx")


@pytest.mark.parametrize("identifier", ["signers", "contacts", "summary_partner", "summary_day"])
def test_export_query_count_does_not_grow_with_rows(
    eu_petition, django_assert_num_queries, identifier
):
    make_signature(eu_petition, name="One", opt_in=True)
    with django_assert_num_queries(1):
        one = csv_rows(export_bytes(eu_petition, identifier, "csv"))
    for name in ("Two", "Three"):
        make_signature(eu_petition, name=name, opt_in=True, source=name)
    with django_assert_num_queries(1):
        three = csv_rows(export_bytes(eu_petition, identifier, "csv"))
    assert three[-1] != one[-1]  # the second export did see the new rows


def test_summary_country_query_count_is_constant(eu_petition, django_assert_num_queries):
    make_signature(eu_petition, name="One", country="DE")
    with django_assert_num_queries(5) as one:
        export_bytes(eu_petition, "summary_country", "csv")
    make_signature(eu_petition, name="Two", country="FR")
    make_signature(eu_petition, name="Three", country="PL")
    with django_assert_num_queries(len(one.captured_queries)):
        export_bytes(eu_petition, "summary_country", "csv")


@pytest.mark.parametrize(
    "args, identifier",
    [([], "signers"), (["--by", "country"], "summary_country"), (["--contacts"], "contacts")],
)
def test_export_signatures_command_writes_what_write_export_writes(
    eu_signers, tmp_path, args, identifier
):
    out = tmp_path / "out.csv"
    call_command("export_signatures", EU, "--format", "csv", "-o", str(out), *args)
    assert out.read_bytes() == export_bytes(eu_signers, identifier, "csv")


@pytest.mark.parametrize("fmt", ["xlsx", "pdf"])
def test_export_signatures_command_other_formats(eu_signers, tmp_path, fmt):
    out = tmp_path / f"out.{fmt}"
    call_command("export_signatures", EU, "--format", fmt, "-o", str(out))
    if fmt == "xlsx":
        assert xlsx_rows(out.read_bytes()) == xlsx_rows(export_bytes(eu_signers, "signers", fmt))
    else:
        assert pdf_text(out.read_bytes()) == pdf_text(export_bytes(eu_signers, "signers", fmt))


def test_seed_signatures_adds_confirmed_counted_signatures(client, br_petition):
    call_command("seed_signatures", BR, "--count", "300", "--seed", "4", stdout=io.StringIO())
    call_command("seed_signatures", BR, "--count", "200", stdout=io.StringIO())
    payload = api_payload(client, BR)
    assert payload["signatures"] == 500
    assert sum(payload["by_region"].values()) == 500
    emails = set(br_petition.signatures.values_list("email_key", flat=True))
    assert emails == {f"seed-{n}@example.invalid" for n in range(1, 501)}
    assert set(br_petition.signatures.values_list("status", flat=True)) == {"confirmed"}
    rows = csv_rows(export_bytes(br_petition, "signers", "csv"))
    assert len(rows) == 501 and all(r[2] == "Brazil" and r[1] for r in rows[1:])


def test_seed_signatures_names_come_in_many_scripts(eu_petition):
    call_command("seed_signatures", EU, "--count", "400", "--seed", "1", stdout=io.StringIO())
    names = "".join(eu_petition.signatures.values_list("name", flat=True))
    assert any("\u0370" <= ch <= "\u03ff" for ch in names)  # Greek
    assert any("\u0400" <= ch <= "\u04ff" for ch in names)  # Cyrillic
    assert any(ch in "ąćęłńóśźżøæåșțãçé" for ch in names)  # Latin with diacritics
    assert len(set(eu_petition.signatures.values_list("country", flat=True))) > 10


def test_xlsx_starts_a_new_sheet_at_the_row_limit(eu_signers, monkeypatch):
    from petitions.reporting.exports import base

    monkeypatch.setattr(base, "XLSX_MAX_ROWS", 5)  # header + 4 rows per sheet
    data = export_bytes(eu_signers, "signers", "xlsx")
    rows = xlsx_rows(data)
    headers = [r for r in rows if r[0] == "Name"]
    assert len(headers) == 3  # 12 signers over three sheets
    assert len(rows) - len(headers) == 12


def test_export_response_streams_an_uncached_attachment(eu_signers):
    from petitions.reporting.exports import export_response

    with translation.override("en"):
        response = export_response(petition=eu_signers, identifier="signers", fmt="csv")
        body = b"".join(response.streaming_content)
    assert body == export_bytes(eu_signers, "signers", "csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Disposition"].startswith(
        'attachment; filename="banfacialrecognitioneu-signers-'
    )
