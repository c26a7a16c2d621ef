"""purge_expired: deletes and anonymises exactly what it should, keeps what it must."""

import datetime
import os
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from petitions.consents import consent_text_id
from petitions.models import (
    Consent,
    HeldReason,
    RateCounter,
    Signature,
    SignatureStatus,
)
from petitions.reporting.counting import flush_counts, petition_counts
from petitions.rights.retention import purge_expired
from petitions.rights.tasks import schedule_purge
from tests import factories
from tests.conftest import run_queued_tasks
from tests.petitions.helpers import confirm_signature

DAY = datetime.timedelta(days=1)


def add(petition, email, *, age_days=0, confirmed=False, country="BR", region="BR-RJ", **extra):
    signature = factories.signature(
        petition=petition,
        name=f"Name of {email}",
        email=email,
        country=country,
        region=region,
        confirmed=False,
        postal_code="12345-678",
        ip_hash="f" * 64,
        updates_opt_in=True,
        **extra,
    )
    Signature.objects.filter(pk=signature.pk).update(created_at=timezone.now() - age_days * DAY)
    text = consent_text_id(kind="privacy", language="en", text="I agree.")
    Consent.objects.create(signature=signature, text_id=text, given_at=timezone.now())
    if confirmed:
        confirm_signature(public_id=signature.public_id)
    return signature


def test_unconfirmed_signatures_are_deleted_after_the_retention_period(
    br_petition, eu_petition, settings
):
    settings.UNCONFIRMED_RETENTION_DAYS = 7
    old = add(br_petition, "old@example.org", age_days=8)
    add(eu_petition, "old-eu@example.org", age_days=30, country="DE", region="")
    young = add(br_petition, "young@example.org", age_days=6)
    confirmed_old = add(br_petition, "confirmed@example.org", age_days=40, confirmed=True)
    report = purge_expired()
    assert dict(report.unconfirmed_deleted) == {
        "tiremeurostodasuamira": 1,
        "banfacialrecognitioneu": 1,
    }
    assert dict(report.anonymised) == {}
    assert sorted(Signature.objects.values_list("email", flat=True)) == [
        "confirmed@example.org",
        "young@example.org",
    ]
    assert not Consent.objects.filter(signature_id=old.pk).exists()
    assert Consent.objects.filter(signature_id__in=[young.pk, confirmed_old.pk]).count() == 2


def close(petition, *, closed_days_ago, delivered_days_ago):
    now = timezone.now()
    petition.closes_at = now - closed_days_ago * DAY
    petition.delivered_at = None if delivered_days_ago is None else now - delivered_days_ago * DAY
    petition.save()


def test_closed_and_delivered_petition_is_anonymised_and_keeps_its_counts(
    br_petition, eu_petition, settings
):
    settings.ANONYMISE_AFTER_DAYS = 180
    close(br_petition, closed_days_ago=200, delivered_days_ago=190)
    for i in range(3):
        add(br_petition, f"rj{i}@example.org", confirmed=True)
    add(br_petition, "sp@example.org", confirmed=True, region="BR-SP")
    add(br_petition, "held@example.org", confirmed=True, region="BR-SP", held_reason="rate_ip")
    add(br_petition, "pending@example.org", age_days=1)
    # An open petition's signers are kept as they are.
    kept = add(eu_petition, "eu@example.org", confirmed=True, country="DE", region="")
    flush_counts(petition_id=br_petition.pk)
    before = petition_counts(petition_id=br_petition.pk)

    report = purge_expired()

    assert dict(report.anonymised) == {"tiremeurostodasuamira": 5}
    assert dict(report.unconfirmed_deleted) == {"tiremeurostodasuamira": 1}
    after = petition_counts(petition_id=br_petition.pk)
    assert (after.total, after.by_country, after.by_region) == (
        before.total,
        before.by_country,
        before.by_region,
    )
    assert (after.total, after.by_region) == (4, {"BR-RJ": 3, "BR-SP": 1})
    rows = Signature.objects.filter(petition=br_petition)
    assert rows.count() == 5
    for row in rows:
        assert (row.name, row.email, row.postal_code, row.ip_hash) == ("", "", "", "")
        assert row.email_key.startswith("anonymised:")
        assert row.updates_opt_in is False
        assert row.anonymised_at is not None
        assert row.status == SignatureStatus.CONFIRMED
    assert len({row.email_key for row in rows}) == 5
    assert sorted((r.region, r.held_reason) for r in rows) == [
        ("BR-RJ", ""),
        ("BR-RJ", ""),
        ("BR-RJ", ""),
        ("BR-SP", ""),
        ("BR-SP", "rate_ip"),
    ]
    assert not Consent.objects.filter(signature__petition=br_petition).exists()
    kept.refresh_from_db()
    assert (kept.name, kept.email, kept.anonymised_at) == (
        "Name of eu@example.org",
        "eu@example.org",
        None,
    )
    assert Consent.objects.filter(signature=kept).count() == 1

    second = purge_expired()
    assert (dict(second.anonymised), dict(second.unconfirmed_deleted)) == ({}, {})


@pytest.mark.parametrize(
    ("closed_days_ago", "delivered_days_ago"),
    [(200, None), (200, 10), (10, 200), (-5, 200)],
    ids=["not-delivered", "delivered-recently", "closed-recently", "still-open"],
)
def test_petitions_not_due_are_not_anonymised(
    br_petition, settings, closed_days_ago, delivered_days_ago
):
    settings.ANONYMISE_AFTER_DAYS = 180
    close(br_petition, closed_days_ago=closed_days_ago, delivered_days_ago=delivered_days_ago)
    add(br_petition, "keep@example.org", confirmed=True)
    report = purge_expired()
    assert dict(report.anonymised) == {}
    assert Signature.objects.get().email == "keep@example.org"


def test_purge_expired_command_logs_what_it_did(br_petition, caplog, settings):
    settings.UNCONFIRMED_RETENTION_DAYS = 7
    add(br_petition, "old@example.org", age_days=9)
    RateCounter.objects.create(key="old", count=3, expires_at=timezone.now() - DAY)
    RateCounter.objects.create(key="live", count=3, expires_at=timezone.now() + DAY)
    out = StringIO()
    with caplog.at_level("INFO", logger="petitions.rights.retention"):
        call_command("purge_expired", stdout=out)
    assert out.getvalue().splitlines() == [
        "tiremeurostodasuamira: deleted 1 unconfirmed signature(s)",
        "erased the IP hash of 0 signature(s)",
        "deleted 0 IP hash key(s) of past days",
        "deleted 1 expired rate counter(s)",
        "deleted 0 mail file(s)",
        "deleted 0 expired shared-cache entry(ies)",
        "forgot 0 stale soft bounce(s)",
    ]
    assert "purge_expired: tiremeurostodasuamira: deleted 1 unconfirmed signature(s)" in caplog.text
    assert list(RateCounter.objects.values_list("key", flat=True)) == ["live"]


def test_purge_schedule_is_idempotent_and_the_task_reschedules_itself(db, settings):
    settings.PURGE_INTERVAL_SECONDS = 3600
    assert schedule_purge() is True
    assert schedule_purge() is False
    out = StringIO()
    call_command("purge_expired", "--schedule", stdout=out)
    assert out.getvalue() == "purge task already waiting\n"
    waiting = DBTaskResult.objects.filter(task_path="petitions.rights.tasks.purge_expired")
    assert waiting.count() == 1
    assert run_queued_tasks() == 1
    next_run = waiting.filter(status="READY").get()
    assert (
        datetime.timedelta(minutes=59)
        < next_run.run_after - timezone.now()
        < datetime.timedelta(minutes=61)
    )
    assert waiting.count() == 2


def test_purge_is_not_scheduled_on_a_backend_without_a_queryable_queue(db, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    out = StringIO()
    call_command("purge_expired", "--schedule", stdout=out)
    assert out.getvalue().startswith("not scheduled: the task backend is not the database queue")
    assert schedule_purge() is False


def test_anonymisation_clears_link_attribution_and_keeps_partner_widget_and_shared_sources(
    br_petition, settings, monkeypatch
):
    from petitions.rights import retention

    settings.ANONYMISE_AFTER_DAYS = 180
    monkeypatch.setattr(retention, "SHARED_SOURCE_MIN", 2)
    close(br_petition, closed_days_ago=200, delivered_days_ago=190)
    partner = factories.partner(campaign=br_petition.campaign, name="Coalizão")
    widget = factories.widget(petition=br_petition, partner=partner)
    attribution = {
        "partner": partner,
        "widget": widget,
        "partner_opt_in": True,
        "embed_origin": "https://maria-silva.example",
        "embed_origin_registered": False,
    }
    for email, source, ref in [
        ("a@example.org", "newsletter", "mail-to-maria-silva"),
        ("b@example.org", "newsletter", "joao-1984"),
        ("c@example.org", "mail-to-joao", "x"),
    ]:
        add(br_petition, email, confirmed=True, source=source, ref=ref, **attribution)

    assert dict(purge_expired().anonymised) == {"tiremeurostodasuamira": 3}

    assert sorted(
        Signature.objects.values_list(
            "source",
            "ref",
            "embed_origin",
            "embed_origin_registered",
            "partner_opt_in",
            "partner_id",
            "widget_id",
        )
    ) == [
        ("", "", "", False, False, partner.pk, widget.pk),
        ("newsletter", "", "", False, False, partner.pk, widget.pk),
        ("newsletter", "", "", False, False, partner.pk, widget.pk),
    ]


def test_ip_hash_is_erased_after_its_retention_period_unless_held_for_review(br_petition, settings):
    settings.IP_HASH_RETENTION_DAYS = 7
    settings.UNCONFIRMED_RETENTION_DAYS = 10
    add(br_petition, "old-confirmed@example.org", age_days=8, confirmed=True)
    add(br_petition, "old-pending@example.org", age_days=8)
    add(br_petition, "young@example.org", age_days=6, confirmed=True)
    held = add(
        br_petition, "held@example.org", age_days=8, confirmed=True, held_reason=HeldReason.RATE_IP
    )

    report = purge_expired()

    assert report.ip_hashes_erased == 2
    assert dict(Signature.objects.values_list("email", "ip_hash")) == {
        "old-confirmed@example.org": "",
        "old-pending@example.org": "",
        "young@example.org": "f" * 64,
        "held@example.org": "f" * 64,
    }
    # Released by an organizer, the held signature loses its hash at the next purge.
    Signature.objects.filter(pk=held.pk).update(held_reason=HeldReason.NONE)
    assert purge_expired().ip_hashes_erased == 1
    held.refresh_from_db()
    assert held.ip_hash == ""


def test_purge_deletes_mail_files_older_than_mail_file_days_and_nothing_else(
    db, settings, tmp_path
):
    settings.EMAIL_FILE_PATH = tmp_path
    settings.MAIL_FILE_DAYS = 2
    now = timezone.now()
    ages = {
        "20240101-120000-140230.log": 3,  # written 3 days ago: holds live links, goes
        "20240102-120000-140231.log": 1,  # written yesterday: kept
        "notes.log": 30,  # not a name the mail backend writes: never touched
    }
    for name, days in ages.items():
        (tmp_path / name).write_text("https://x.example/confirm/t0ken/")
        stamp = (now - days * DAY).timestamp()
        os.utime(tmp_path / name, (stamp, stamp))
    folder = tmp_path / "20240103-120000-140232.log"  # a folder, however named and old: kept
    folder.mkdir()
    old = (now - 3 * DAY).timestamp()
    os.utime(folder, (old, old))
    report = purge_expired(now=now)
    assert report.mail_files_deleted == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "20240102-120000-140231.log",
        "20240103-120000-140232.log",
        "notes.log",
    ]


def test_purge_without_a_mail_folder_deletes_nothing(db, settings, tmp_path):
    settings.EMAIL_FILE_PATH = tmp_path / "never-created"
    assert purge_expired().mail_files_deleted == 0


def test_purge_deletes_expired_rows_of_the_database_cache_only(db, settings):
    from django.core.cache import caches

    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": settings.DATABASE_CACHE_TABLE,
        },
    }
    shared = caches["default"]
    shared.set("login-limit", 1, timeout=60)
    shared.set("used-code", 1, timeout=None)

    report = purge_expired(now=timezone.now() + datetime.timedelta(minutes=2))

    assert report.cache_entries_deleted == 1
    assert (shared.get("login-limit"), shared.get("used-code")) == (None, 1)


def test_purge_forgets_soft_bounces_older_than_their_window(db):
    from petitions.models import SoftBounce

    SoftBounce.objects.create(
        address_hash="a" * 64, count=2, last_bounced_at=timezone.now() - 8 * DAY
    )
    SoftBounce.objects.create(address_hash="b" * 64, count=1, last_bounced_at=timezone.now())
    assert purge_expired().soft_bounces_deleted == 1
    assert list(SoftBounce.objects.values_list("address_hash", flat=True)) == ["b" * 64]
