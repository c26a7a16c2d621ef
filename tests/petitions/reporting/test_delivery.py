import datetime
import io
import os
import shutil
import uuid
import zipfile

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone, translation
from django.utils.translation import gettext
from django_tasks_db.models import DBTaskResult

from campaign.core.l10n import format_date, format_number
from petitions.models import DeliveryPackage, DeliveryStatus, Signature, SignatureStatus
from petitions.reporting.delivery import (
    delete_expired_packages,
    deliveries_dir,
    local_place_name,
    place_languages,
)
from petitions.reporting.package_requests import request_delivery_package
from tests.petitions.exporting import csv_rows, make_signature, pdf_text

DAY = datetime.datetime(2026, 3, 1, 12, tzinfo=datetime.UTC)
LAST_DAY = datetime.datetime(2026, 4, 17, 9, tzinfo=datetime.UTC)
# Code point order: Ana, Zoë, Émile, Łukasz; collation (UCA): Ana, Émile, Łukasz, Zoë.
UNSORTED = ["Zoë Adams", "Łukasz Żółć", "Émile Zola", "Ana Araújo"]
COLLATED = ["Ana Araújo", "Émile Zola", "Łukasz Żółć", "Zoë Adams"]
# English labels of a letter; none may appear in a letter in another language.
ENGLISH_LABELS = [
    "Addressed to",
    "Signatures",
    "Confirmed signatures",
    "as of",
    "Collection period",
    "confirmed signature",
    "Who is behind",
    "Organisations in the coalition",
    "How signatures were verified",
    "double opt-in",
    "email address",
    "Questions about",
    "Signers:",
    "sorted by name",
    "Date confirmed",
    "threshold",
    "reached",
    "Source:",
    "Figures:",
]


@pytest.fixture(autouse=True)
def _var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.CONTACT_EMAIL = "delivery@example.org"


@pytest.fixture
def pdftotext():
    if shutil.which("pdftotext") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("pdftotext is required when CI=true")
        pytest.skip("pdftotext is not installed")
    return pdf_text


def build(petition, run_tasks) -> tuple[DeliveryPackage, zipfile.ZipFile]:
    package = request_delivery_package(petition=petition, requested_by=None)
    assert package.status == DeliveryStatus.PENDING
    run_tasks()
    package.refresh_from_db()
    assert package.status == DeliveryStatus.READY, package.error
    path = deliveries_dir() / package.file_path
    return package, zipfile.ZipFile(io.BytesIO(path.read_bytes()))


def flat(text: str) -> str:
    """Lines joined and spaces collapsed (pdftotext turns no-break spaces into spaces)."""
    return " ".join(text.split())


def opening(petition, language: str) -> str:
    text = petition.campaign.translations.get(language=language).petition_text
    return " ".join(text.split("\n\n")[0].split()[:6])


def many_signatures(petition, *, n: int, country: str) -> None:
    keys = [f"{uuid.uuid4().hex[:12]}@example.org" for _ in range(n)]
    Signature.objects.bulk_create(
        Signature(
            petition=petition,
            name=f"Signer {i}",
            email=key,
            email_key=key,
            country=country,
            locale="en",
            status=SignatureStatus.CONFIRMED,
            confirmed_at=DAY,
        )
        for i, key in enumerate(keys)
    )


def test_delivery_package_has_a_letter_per_official_language(eu_petition, run_tasks, pdftotext):
    for name, country in [
        ("Lotte Peeters", "BE"),
        ("Łukasz Żółć", "DE"),
        ("Siobhán Murphy", "IE"),
        ("Ola Nordmann", "NO"),
    ]:
        make_signature(eu_petition, name=name, country=country, confirmed_at=DAY)
    make_signature(eu_petition, name="Last Signer", country="DE", confirmed_at=LAST_DAY)
    make_signature(eu_petition, name="Pending Person", country="BE", confirmed=False)

    package, zf = build(eu_petition, run_tasks)
    assert sorted(zf.namelist()) == [
        "BE-belgium-de.pdf",
        "BE-belgium-fr.pdf",
        "BE-belgium-nl.pdf",
        "BE-belgium.csv",
        "DE-germany-de.pdf",
        "DE-germany.csv",
        "IE-ireland-en.pdf",
        "IE-ireland-ga.pdf",
        "IE-ireland.csv",
        "other-en.pdf",
        "other.csv",
        "summary-en.pdf",
        "summary.csv",
    ]
    assert (package.progress, package.signatures) == (100, 5)
    letters = {
        "BE-belgium-nl.pdf": ("nl", "BE", 1, "Lotte Peeters"),
        "BE-belgium-fr.pdf": ("fr", "BE", 1, "Lotte Peeters"),
        "BE-belgium-de.pdf": ("de", "BE", 1, "Lotte Peeters"),
        "DE-germany-de.pdf": ("de", "DE", 2, "Łukasz Żółć"),
        "IE-ireland-ga.pdf": ("ga", "IE", 1, "Siobhán Murphy"),
        "IE-ireland-en.pdf": ("en", "IE", 1, "Siobhán Murphy"),
        "other-en.pdf": ("en", None, 1, "Ola Nordmann"),
    }
    for entry, (language, place, n, signer) in letters.items():
        text = flat(pdftotext(zf.read(entry)))
        content = eu_petition.campaign.translations.get(language=language)
        with translation.override(language):
            if place:
                where = local_place_name(place, language)
            else:
                where = gettext("other countries and regions")
            from_place = gettext("Confirmed signatures from %(place)s: %(n)s") % {
                "place": where,
                "n": n,
            }
            total = gettext("Confirmed signatures in total: %(n)s (as of %(date)s)") % {
                "n": 5,
                "date": format_date(timezone.now(), language),
            }
            period = gettext(
                "Collection period: from %(first)s to %(last)s (the dates of the first and the "
                "last confirmed signature)."
            ) % {"first": format_date(DAY, language), "last": format_date(LAST_DAY, language)}
            contact = gettext("Questions about this petition or these figures: %(email)s") % {
                "email": "delivery@example.org"
            }
        # The letter opens with the petition in its language, then the totals, then the list.
        assert text.index(flat(content.title)) < text.index(opening(eu_petition, language)), entry
        assert opening(eu_petition, language) in text, (entry, text[:600])
        assert text.index(opening(eu_petition, language)) < text.index(flat(from_place)), entry
        assert text.index(flat(from_place)) < text.index(flat(total)), entry
        assert text.index(flat(total)) < text.index(flat(period)) < text.index(contact), entry
        assert text.index(contact) < text.index(signer), entry
        assert "Pending Person" not in text and text.count("@example.org") == 1, entry
        assert "threshold" not in text and "quorum" not in text.lower(), entry
    summary_letter = flat(pdftotext(zf.read("summary-en.pdf")))
    assert summary_letter.index(opening(eu_petition, "en")) < summary_letter.index(
        "Confirmed signatures in total: 5"
    )
    assert "Germany 2 Belgium 1 Ireland 1 Norway 1 Total 5" in summary_letter
    assert "Łukasz" not in summary_letter and "threshold" not in summary_letter
    assert csv_rows(zf.read("summary.csv")) == [
        ["Code", "Country", "Signatures"],
        ["DE", "Germany", "2"],
        ["BE", "Belgium", "1"],
        ["IE", "Ireland", "1"],
        ["NO", "Norway", "1"],
        ["", "Total", "5"],
    ]
    assert csv_rows(zf.read("BE-belgium.csv")) == [
        ["Naam", "Regio", "Land", "Datum bevestigd"],
        ["Lotte Peeters", "", "België", "2026-03-01"],
    ]
    assert csv_rows(zf.read("other.csv"))[1] == ["Ola Nordmann", "", "Norway", "2026-03-01"]


def test_signer_lists_are_sorted_by_collation(eu_petition, run_tasks, pdftotext):
    for minutes, name in enumerate(UNSORTED):
        make_signature(
            eu_petition,
            name=name,
            country="DE",
            confirmed_at=DAY + datetime.timedelta(minutes=minutes),
        )
    _, zf = build(eu_petition, run_tasks)
    assert [row[0] for row in csv_rows(zf.read("DE-germany.csv"))[1:]] == COLLATED
    text = pdftotext(zf.read("DE-germany-de.pdf"))
    assert [name for _i, name in sorted((text.index(n), n) for n in COLLATED)] == COLLATED


def test_letters_use_the_language_s_numbers_dates_and_labels(eu_petition, run_tasks, pdftotext):
    many_signatures(eu_petition, n=1230, country="AT")
    letters = {"DE": "de", "PT": "pt", "GR": "el", "PL": "pl"}
    for country in letters:
        make_signature(eu_petition, name="Ana Araújo", country=country, confirmed_at=DAY)
    _, zf = build(eu_petition, run_tasks)
    for entry, language in [
        ("DE-germany-de.pdf", "de"),
        ("PT-portugal-pt.pdf", "pt"),
        ("GR-greece-el.pdf", "el"),
        ("PL-poland-pl.pdf", "pl"),
    ]:
        text = flat(pdftotext(zf.read(entry)))
        assert flat(format_number(1234, language)) in text, entry
        assert "1,234" not in text, entry
        assert format_date(DAY, language) in text, entry
        assert "March" not in text and "2026-03-01" not in text, entry
        assert [label for label in ENGLISH_LABELS if label in text] == [], entry


def test_delivery_package_for_brazil_is_per_state_in_portuguese(br_petition, run_tasks, pdftotext):
    many_signatures(br_petition, n=1233, country="BR")
    make_signature(br_petition, name="João Conceição", country="BR", region="BR-SP")
    make_signature(br_petition, name="=cmd|' /C calc'!A0", country="BR", region="BR-SP")
    make_signature(br_petition, name="Ana Araújo", country="BR", region="BR-BA")
    _, zf = build(br_petition, run_tasks)
    assert sorted(zf.namelist()) == [
        "BR-BA-bahia-pt-br.pdf",
        "BR-BA-bahia.csv",
        "BR-SP-sao-paulo-pt-br.pdf",
        "BR-SP-sao-paulo.csv",
        "other-pt-br.pdf",
        "other.csv",
        "summary-pt-br.pdf",
        "summary.csv",
    ]
    text = flat(pdftotext(zf.read("BR-SP-sao-paulo-pt-br.pdf")))
    assert opening(br_petition, "pt-br") in text
    assert "Total de assinaturas confirmadas: 1.236" in text
    assert "1,236" not in text and "João Conceição" in text
    assert [label for label in ENGLISH_LABELS if label in text] == []
    rows = csv_rows(zf.read("BR-SP-sao-paulo.csv"))
    assert [r[:2] for r in rows[1:]] == [
        ["'=cmd|' /C calc'!A0", "São Paulo"],
        ["João Conceição", "São Paulo"],
    ]


def test_place_languages_are_the_official_ones_the_site_offers(eu_petition, br_petition):
    languages = {
        place: place_languages(campaign=eu_petition.campaign, place=place)
        for place in ["AT", "BE", "CY", "FI", "IE", "LU", "MT", "PL"]
    }
    assert languages == {
        "AT": ("de",),
        "BE": ("nl", "fr", "de"),
        "CY": ("el",),  # Turkish is not offered
        "FI": ("fi", "sv"),
        "IE": ("en", "ga"),
        "LU": ("fr", "de"),  # Luxembourgish is not offered
        "MT": ("mt", "en"),
        "PL": ("pl",),
    }
    assert place_languages(campaign=br_petition.campaign, place="BR-SP") == ("pt-br",)


def test_command_builds_the_same_zip_as_the_organizer_area(eu_petition, run_tasks, tmp_path):
    for name, country in [("Lotte Peeters", "BE"), ("Ana Araújo", "PT"), ("Ola Nordmann", "NO")]:
        make_signature(eu_petition, name=name, country=country, confirmed_at=DAY)
    _, built = build(eu_petition, run_tasks)
    output = tmp_path / "package.zip"
    call_command("build_delivery_package", eu_petition.slug, "-o", str(output))
    commanded = zipfile.ZipFile(output)
    assert commanded.namelist() == built.namelist()
    csvs = [name for name in built.namelist() if name.endswith(".csv")]
    assert [commanded.read(name) for name in csvs] == [built.read(name) for name in csvs]
    assert not (tmp_path / "package.zip.part").exists()

    call_command(
        "build_delivery_package", eu_petition.slug, "-o", str(output), "--language", "pt_BR"
    )
    names = zipfile.ZipFile(output).namelist()
    assert [name for name in names if name.startswith(("summary", "other"))] == [
        "summary.csv",
        "summary-pt-br.pdf",
        "other.csv",
        "other-pt-br.pdf",
    ]


def test_command_explains_an_unknown_slug_or_language(eu_petition, br_petition, tmp_path):
    output = str(tmp_path / "package.zip")
    with pytest.raises(CommandError) as error:
        call_command("build_delivery_package", "nope", "-o", output)
    assert str(error.value) == (
        "No petition 'nope'; known: banfacialrecognitioneu, tiremeurostodasuamira"
    )
    with pytest.raises(CommandError) as error:
        call_command("build_delivery_package", eu_petition.slug, "-o", output, "--language", "xx")
    assert str(error.value) == (
        "Unknown language 'xx'; offered: bg, cs, da, de, el, en, es, et, fi, fr, ga, hr, hu, "
        "it, lt, lv, mt, nl, pl, pt, pt-br, ro, sk, sl, sv"
    )
    assert not os.path.exists(output)


def test_request_enqueues_the_build_and_the_expiry(eu_petition):
    package = request_delivery_package(petition=eu_petition, requested_by=None)
    tasks = sorted(DBTaskResult.objects.values_list("task_path", flat=True))
    assert tasks == [
        "petitions.reporting.tasks.build_delivery_package",
        "petitions.reporting.tasks.delete_expired_delivery_packages",
    ]
    kept = package.expires_at - package.created_at
    assert abs(kept - datetime.timedelta(days=7)) < datetime.timedelta(seconds=5)


def test_delete_expired_packages_removes_files_and_marks_rows(eu_petition, run_tasks):
    make_signature(eu_petition, name="Ægir Ørsted", country="DK")
    package, _ = build(eu_petition, run_tasks)
    path = deliveries_dir() / package.file_path
    assert path.exists()
    assert delete_expired_packages() == 0
    DeliveryPackage.objects.filter(pk=package.pk).update(expires_at=timezone.now())
    assert delete_expired_packages() == 1
    package.refresh_from_db()
    assert (package.status, package.file_path, path.exists()) == ("expired", "", False)
    assert delete_expired_packages() == 0


def test_build_is_claimed_once(eu_petition, run_tasks):
    from petitions.reporting.delivery import build_package

    package = request_delivery_package(petition=eu_petition, requested_by=None)
    assert build_package(package_id=package.pk).status == DeliveryStatus.READY
    assert build_package(package_id=package.pk) is None
