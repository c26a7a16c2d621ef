"""One definition of "counted": a confirmed signature held for review reaches no consumer
until it is released, and its release does what its confirmation would have done."""

import csv
import io
import zipfile

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from campaign.campaigns.models import Partner
from petitions.abuse.review import release_signatures
from petitions.models import AuditEvent, HeldReason, Signature, SignatureStatus, WebhookDelivery
from petitions.partners.service import (
    opted_in_supporters,
    partner_signature_count,
    partner_summary,
    supporters_csv,
)
from petitions.reporting.counting import petition_counts
from petitions.reporting.delivery import write_package
from tests.petitions.exporting import csv_rows, export_bytes
from tests.petitions.helpers import confirm_signature
from tests.petitions.widget_helpers import make_partner, widget_sign

BR = "tiremeurostodasuamira"
COUNTED = "Carla Contada"
HELD = "Hugo Retido"


@pytest.fixture
def signers(client, br_petition):
    """One counted and one held-then-confirmed signer, both through a partner's widget with
    every opt-in ticked; the held one is from another state so no total hides it."""
    widget = make_partner(
        br_petition, "Coalizão", domains=["ours.example"], webhook_url="http://127.0.0.1:9/hook"
    )
    for name, email, region in [
        (COUNTED, "carla@example.org", "BR-SP"),
        (HELD, "hugo@example.org", "BR-RJ"),
    ]:
        response = widget_sign(
            client,
            BR,
            widget.key,
            name=name,
            email=email,
            region=region,
            partner_opt_in="on",
            updates_opt_in="on",
            source="newsletter",
        )
        assert response.status_code == 303
    Signature.objects.filter(name=HELD).update(held_reason=HeldReason.DISPOSABLE)
    for signature in Signature.objects.order_by("pk"):
        confirm_signature(public_id=signature.public_id)
    rows = {s.name: s for s in Signature.objects.all()}
    assert {name: (s.status, s.held_reason) for name, s in rows.items()} == {
        COUNTED: (SignatureStatus.CONFIRMED, ""),
        HELD: (SignatureStatus.CONFIRMED, HeldReason.DISPOSABLE),
    }
    return {"partner": widget.partner, "widget": widget, **rows}


def today() -> str:
    return timezone.now().date().isoformat()


def package_signers(petition, tmp_path) -> tuple[int, list[list[str]], list[list[str]]]:
    """(signers written, the summary CSV, every signer row of the place lists)."""
    path = tmp_path / "package.zip"
    written = write_package(petition=petition, path=path, language="en")
    zf = zipfile.ZipFile(path)
    listed = []
    for entry in sorted(zf.namelist()):
        if entry.endswith(".csv") and entry != "summary.csv":
            listed += csv_rows(zf.read(entry))[1:]
    return written, csv_rows(zf.read("summary.csv")), listed


def webhook_queue() -> list[tuple[str, int]]:
    """Queued webhook deliveries as (signer name, queued deliver_webhook tasks for it)."""
    tasks = DBTaskResult.objects.filter(task_path="petitions.partners.tasks.deliver_webhook")
    queued = [result.args_kwargs["kwargs"]["delivery_id"] for result in tasks]
    return [
        (delivery.signature.name, queued.count(delivery.pk))
        for delivery in WebhookDelivery.objects.select_related("signature").order_by("pk")
    ]


def test_delivery_package_lists_only_counted_signers(signers, br_petition, tmp_path):
    written, summary, listed = package_signers(br_petition, tmp_path)
    assert written == 1
    assert listed == [[COUNTED, "São Paulo", "Brasil", today()]]
    assert summary[-1] == ["", "Total", "1"]


def test_every_export_holds_only_counted_signers(signers, br_petition):
    assert csv_rows(export_bytes(br_petition, "signers", "csv")) == [
        ["Name", "Region", "Country", "Date confirmed"],
        [COUNTED, "São Paulo", "Brazil", today()],
    ]
    assert csv_rows(export_bytes(br_petition, "contacts", "csv")) == [
        ["Name", "Email", "Language", "Country", "Date confirmed"],
        [COUNTED, "carla@example.org", "en", "Brazil", today()],
    ]
    assert csv_rows(export_bytes(br_petition, "summary_partner", "csv")) == [
        ["Partner", "Source", "Signatures"],
        ["Coalizão", "newsletter", "1"],
        ["Total", "", "1"],
    ]
    assert csv_rows(export_bytes(br_petition, "summary_day", "csv")) == [
        ["Date confirmed", "Signatures", "Cumulative"],
        [today(), "1", "1"],
        ["Total", "1", "1"],
    ]
    assert csv_rows(export_bytes(br_petition, "summary_region", "csv"))[-1][:3] == [
        "",
        "Total",
        "1",
    ]
    assert csv_rows(export_bytes(br_petition, "summary_country", "csv"))[-1] == ["", "Total", "1"]


def test_partner_counts_exports_and_webhooks_hold_only_counted_signers(signers, br_petition):
    partner: Partner = signers["partner"]
    assert partner_signature_count(petition=br_petition, partner=partner) == 1
    summary = partner_summary(partner=partner)
    assert (summary.total, summary.by_widget, summary.opted_in) == (
        1,
        [(signers["widget"].key, 1)],
        1,
    )
    assert list(opted_in_supporters(partner=partner).values_list("name", flat=True)) == [COUNTED]
    lines = list(csv.reader(io.StringIO("".join(supporters_csv(partner=partner)).lstrip("\ufeff"))))
    assert lines == [
        ["name", "email", "country", "region", "language", "date"],
        [COUNTED, "carla@example.org", "BR", "BR-SP", "en", today()],
    ]
    assert webhook_queue() == [(COUNTED, 1)]


def test_release_counts_the_held_signer_everywhere_and_queues_its_webhook(
    signers, br_petition, tmp_path
):
    assert petition_counts(petition_id=br_petition.pk).total == 1
    assert webhook_queue() == [(COUNTED, 1)]
    released = release_signatures(signature_ids=[signers[HELD].pk, signers[COUNTED].pk])
    assert [s.name for s in released] == [HELD]
    counts = petition_counts(petition_id=br_petition.pk)
    assert (counts.total, counts.by_region) == (2, {"BR-RJ": 1, "BR-SP": 1})
    assert webhook_queue() == [(COUNTED, 1), (HELD, 1)]
    assert partner_signature_count(petition=br_petition, partner=signers["partner"]) == 2
    written, summary, listed = package_signers(br_petition, tmp_path)
    assert (written, summary[-1]) == (2, ["", "Total", "2"])
    assert sorted(row[0] for row in listed) == [COUNTED, HELD]
    assert [row[0] for row in csv_rows(export_bytes(br_petition, "signers", "csv"))[1:]] == [
        COUNTED,
        HELD,
    ]
    # Released again, nothing more happens.
    assert release_signatures(signature_ids=[signers[HELD].pk]) == []
    assert webhook_queue() == [(COUNTED, 1), (HELD, 1)]


def test_held_signer_released_before_confirming_gets_its_webhook_at_confirmation(
    client, br_petition
):
    widget = make_partner(
        br_petition, "Coalizão", domains=["ours.example"], webhook_url="http://127.0.0.1:9/hook"
    )
    for name, email in [(HELD, "hugo@example.org"), ("Paula Pendente", "paula@example.org")]:
        widget_sign(client, BR, widget.key, name=name, email=email, partner_opt_in="on")
    Signature.objects.update(held_reason=HeldReason.RATE_IP)
    held, early = Signature.objects.order_by("pk")
    confirm_signature(public_id=held.public_id)
    assert webhook_queue() == []
    assert [s.name for s in release_signatures(signature_ids=[early.pk])] == ["Paula Pendente"]
    assert webhook_queue() == []
    confirm_signature(public_id=early.public_id)
    assert webhook_queue() == [("Paula Pendente", 1)]
    assert petition_counts(petition_id=br_petition.pk).total == 1


def admin_events() -> list[tuple]:
    return list(
        AuditEvent.objects.order_by("pk").values_list(
            "user_email", "action", "petition__campaign__slug", "rows", "detail"
        )
    )


def test_admin_signature_page_is_audited_once_per_view(admin_client, signers):
    held = signers[HELD]
    response = admin_client.get(f"/admin/petitions/signature/{held.pk}/change/")
    assert response.status_code == 200
    assert HELD in response.content.decode()
    assert admin_events() == [
        ("admin@example.org", "admin.view_signature", BR, 1, f"signature {held.public_id}")
    ]


def test_admin_cannot_change_signer_data(admin_client, signers):
    held = signers[HELD]
    url = f"/admin/petitions/signature/{held.pk}/change/"
    response = admin_client.post(
        url,
        {
            "name": "Someone Else",
            "email": "else@example.org",
            "status": SignatureStatus.PENDING,
            "held_reason": "",
            "country": "BR",
            "region": "BR-SP",
            "locale": "en",
        },
    )
    assert response.status_code == 403
    assert Signature.objects.filter(pk=held.pk).values_list(
        "name", "email", "status", "held_reason"
    ).get() == (HELD, "hugo@example.org", SignatureStatus.CONFIRMED, HeldReason.DISPOSABLE)
    assert admin_client.get("/admin/petitions/signature/add/").status_code == 403
    assert admin_client.get(f"/admin/petitions/signature/{held.pk}/delete/").status_code == 403


def test_admin_release_goes_through_the_service_and_is_audited(admin_client, signers):
    url = "/admin/petitions/signature/"
    response = admin_client.post(
        url,
        {
            "action": "release_held",
            "_selected_action": [signers[HELD].pk, signers[COUNTED].pk],
        },
    )
    assert response.status_code == 302
    assert webhook_queue() == [(COUNTED, 1), (HELD, 1)]
    assert admin_events() == [("admin@example.org", "admin.release_held", BR, 1, "")]


def test_admin_list_of_signatures_is_audited(admin_client, signers):
    response = admin_client.get("/admin/petitions/signature/?held=yes&q=hugo@example.org")
    assert response.status_code == 200
    assert HELD in response.content.decode()
    assert admin_events() == [
        ("admin@example.org", "admin.list_signatures", BR, 1, "held=yes&q=%28search%29")
    ]
