"""Every export, delivery package and view of personal data is recorded; owners see the log."""

from __future__ import annotations

import datetime

from django.utils import timezone

from petitions.models import AuditEvent, DeliveryPackage
from tests.campaign.organize.conftest import EU, login


def events():
    return [
        (e.user_email, e.action, e.rows, e.detail, e.petition.slug)
        for e in AuditEvent.objects.order_by("pk")
    ]


def test_personal_data_access_is_audited(client, cast, signatures, eu_petition, tmp_path):
    login(client, cast["organizer"])
    client.get(f"/organize/{EU}/signers/")
    b"".join(client.get(f"/organize/{EU}/exports/signers.csv").streaming_content)
    b"".join(client.get(f"/organize/{EU}/exports/summary_country.csv").streaming_content)
    client.post(f"/organize/{EU}/packages/")
    package = DeliveryPackage.objects.get()
    zip_path = tmp_path / "p.zip"
    zip_path.write_bytes(b"zip")
    DeliveryPackage.objects.filter(pk=package.pk).update(
        status="ready", progress=100, file_path=str(zip_path)
    )
    response = client.get(f"/organize/{EU}/packages/{package.pk}/download/")
    assert b"".join(response.streaming_content) == b"zip"
    who = "organizer@example.org"
    assert events() == [
        (who, "view_signers", 3, "", EU),
        (who, "export", 3, "signers.csv", EU),
        (who, "export", 0, "summary_country.csv", EU),
        (who, "delivery_request", 3, f"package {package.pk}", EU),
        (who, "delivery_download", 3, f"package {package.pk}", EU),
    ]
    assert all(e.user == cast["organizer"] for e in AuditEvent.objects.all())


def test_refused_access_records_nothing(client, cast, signatures):
    login(client, cast["viewer"])
    client.get(f"/organize/{EU}/signers/")
    client.get(f"/organize/{EU}/exports/signers.csv")
    assert events() == []


def test_owner_sees_the_audit_log(client, cast, signatures):
    login(client, cast["organizer"])
    client.get(f"/organize/{EU}/signers/")
    client.logout()
    login(client, cast["owner"])
    response = client.get(f"/organize/{EU}/audit/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "organizer@example.org" in body and "view_signers" in body
    assert [e.action for e in response.context["page"]] == ["view_signers"]


def test_packages_page_refreshes_while_building(client, cast, eu_petition):
    login(client, cast["organizer"])
    body = client.get(f"/organize/{EU}/packages/").content.decode()
    assert 'http-equiv="refresh"' not in body
    DeliveryPackage.objects.create(
        petition=eu_petition,
        status="building",
        progress=40,
        expires_at=timezone.now() + datetime.timedelta(days=1),
    )
    body = client.get(f"/organize/{EU}/packages/").content.decode()
    assert '<meta http-equiv="refresh" content="5">' in body
    assert '<progress value="40" max="100">' in body
    status = client.get(f"/organize/{EU}/packages/status.json").json()
    assert status == {
        "packages": [{"id": DeliveryPackage.objects.get().pk, "status": "building", "progress": 40}]
    }
