import datetime
import io
import zipfile

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from campaign.models import CampaignTranslation
from petitions.delivery import (
    delete_expired_packages,
    deliveries_dir,
    place_language,
    request_delivery_package,
)
from petitions.models import DeliveryPackage, DeliveryStatus
from tests.petitions.exporting import NAMES, csv_rows, make_signature, pdf_text


@pytest.fixture(autouse=True)
def _var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path


def build(petition, run_tasks) -> tuple[DeliveryPackage, zipfile.ZipFile]:
    package = request_delivery_package(petition=petition, requested_by=None)
    assert package.status == DeliveryStatus.PENDING
    run_tasks()
    package.refresh_from_db()
    assert package.status == DeliveryStatus.READY, package.error
    path = deliveries_dir() / package.file_path
    return package, zipfile.ZipFile(io.BytesIO(path.read_bytes()))


def first_paragraph(petition, language):
    text = petition.campaign.translations.get(language=language).petition_text
    return text.split("\n\n")[0].split()[:6]


def test_delivery_package_has_a_pdf_and_csv_per_member_state(eu_petition, run_tasks):
    day = datetime.datetime(2026, 3, 1, 12, tzinfo=datetime.UTC)
    for name in NAMES:
        make_signature(eu_petition, name=name, country="DE", confirmed_at=day)
    make_signature(eu_petition, name="Élodie Lefèvre", country="FR", confirmed_at=day)
    make_signature(eu_petition, name="Siobhán Murphy", country="IE", confirmed_at=day)
    make_signature(eu_petition, name="Ola Nordmann", country="NO", confirmed_at=day)
    make_signature(eu_petition, name="Pending Person", country="DE", confirmed=False)

    package, zf = build(eu_petition, run_tasks)
    assert sorted(zf.namelist()) == [
        "DE-germany.csv",
        "DE-germany.pdf",
        "FR-france.csv",
        "FR-france.pdf",
        "IE-ireland.csv",
        "IE-ireland.pdf",
        "other.csv",
        "other.pdf",
        "summary.csv",
    ]
    assert (package.progress, package.signatures) == (100, 9)
    german = pdf_text(zf.read("DE-germany.pdf"))
    title = eu_petition.campaign.translations.get(language="de").title
    assert " ".join(german.split()).startswith(" ".join(title.split()))
    opening = " ".join(german.split()[:200])
    assert " ".join(first_paragraph(eu_petition, "de")) in opening
    assert german.index("69,120") < german.index("Łukasz Żółć")  # quorum line before the list
    for name in NAMES:
        assert name in german
    assert "Pending Person" not in german and "@example.org" not in german
    french = pdf_text(zf.read("FR-france.pdf"))
    assert " ".join(first_paragraph(eu_petition, "fr")) in " ".join(french.split()[:200])
    irish = pdf_text(zf.read("IE-ireland.pdf"))  # Irish comes first of Ireland's languages
    assert " ".join(first_paragraph(eu_petition, "ga")) in " ".join(irish.split()[:200])
    rows = csv_rows(zf.read("DE-germany.csv"))
    assert [r[0] for r in rows[1:]] == NAMES
    assert all(r[3] == "2026-03-01" for r in rows[1:])
    assert csv_rows(zf.read("other.csv"))[1][0] == "Ola Nordmann"
    summary = csv_rows(zf.read("summary.csv"))
    assert summary[-1] == ["", "Total", "9", "", ""]


def test_delivery_package_for_brazil_is_per_state_in_portuguese(br_petition, run_tasks):
    make_signature(br_petition, name="João Conceição", country="BR", region="BR-SP")
    make_signature(br_petition, name="=cmd|' /C calc'!A0", country="BR", region="BR-SP")
    make_signature(br_petition, name="Ana Araújo", country="BR", region="BR-BA")
    _, zf = build(br_petition, run_tasks)
    assert sorted(zf.namelist()) == [
        "BR-BA-bahia.csv",
        "BR-BA-bahia.pdf",
        "BR-SP-sao-paulo.csv",
        "BR-SP-sao-paulo.pdf",
        "summary.csv",
    ]
    text = pdf_text(zf.read("BR-SP-sao-paulo.pdf"))
    assert " ".join(first_paragraph(br_petition, "pt-br")) in " ".join(text.split()[:200])
    assert "104,004" in text and "João Conceição" in text
    rows = csv_rows(zf.read("BR-SP-sao-paulo.csv"))
    assert [r[:2] for r in rows[1:]] == [
        ["João Conceição", "São Paulo"],
        ["'=cmd|' /C calc'!A0", "São Paulo"],
    ]


def test_place_language_prefers_an_official_language_the_campaign_has(eu_petition):
    campaign = eu_petition.campaign
    assert place_language(campaign=campaign, place="AT") == "de"
    assert place_language(campaign=campaign, place="BE") == "nl"  # the first official one
    assert place_language(campaign=campaign, place="PL") == "pl"
    CampaignTranslation.objects.filter(campaign=campaign, language__in=["nl", "pl"]).delete()
    campaign = type(campaign).objects.get(pk=campaign.pk)
    assert place_language(campaign=campaign, place="BE") == "fr"  # no Dutch content
    assert place_language(campaign=campaign, place="PL") == "en"  # no Polish: the primary


def test_request_enqueues_the_build_and_the_expiry(eu_petition):
    package = request_delivery_package(petition=eu_petition, requested_by=None)
    tasks = sorted(DBTaskResult.objects.values_list("task_path", flat=True))
    assert tasks == [
        "petitions.tasks.build_delivery_package",
        "petitions.tasks.delete_expired_delivery_packages",
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
    from petitions.delivery import build_package

    package = request_delivery_package(petition=eu_petition, requested_by=None)
    assert build_package(package_id=package.pk).status == DeliveryStatus.READY
    assert build_package(package_id=package.pk) is None
