import threading

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from petitions.models import Signature, SignatureCount, SignatureStatus
from petitions.reporting.counting import flush_counts, petition_counts, reconcile_counts
from tests.petitions.helpers import confirm_signature, stored_total


def make_signatures(petition, n, country="BR", region="BR-RJ", start=0):
    return Signature.objects.bulk_create(
        [
            Signature(
                petition=petition,
                name=f"Signer {i}",
                email=f"s{i}@example.org",
                email_key=f"s{i}@example.org",
                country=country,
                region=region,
                locale="en",
            )
            for i in range(start, start + n)
        ]
    )


@pytest.mark.django_db(transaction=True)
def test_concurrent_confirmations_give_an_exact_count(campaigns):
    petition = campaigns["tiremeurostodasuamira"].petition
    signatures = make_signatures(petition, 20)
    barrier = threading.Barrier(20)
    errors = []

    def confirm(public_id):
        try:
            barrier.wait(timeout=10)
            confirm_signature(public_id=public_id)
            flush_counts(petition_id=petition.pk)
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=confirm, args=(s.public_id,)) for s in signatures]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    counts = petition_counts(petition_id=petition.pk)
    assert (counts.total, counts.by_country, counts.by_region) == (20, {"BR": 20}, {"BR-RJ": 20})
    assert Signature.objects.filter(status=SignatureStatus.CONFIRMED, counted=True).count() == 20


def test_counts_ignore_pending_signatures(br_petition):
    signatures = make_signatures(br_petition, 3)
    confirm_signature(public_id=signatures[0].public_id)
    assert petition_counts(petition_id=br_petition.pk).total == 1


def test_flush_adds_each_confirmation_once(br_petition):
    signatures = make_signatures(br_petition, 2)
    confirm_signature(public_id=signatures[0].public_id)
    flush_counts(petition_id=br_petition.pk)
    flush_counts(petition_id=br_petition.pk)
    confirm_signature(public_id=signatures[1].public_id)
    flush_counts(petition_id=br_petition.pk)
    assert stored_total(petition_id=br_petition.pk) == 2


def test_reconcile_corrects_a_drifted_count(br_petition, eu_petition):
    for s in make_signatures(br_petition, 3):
        confirm_signature(public_id=s.public_id)
    for s in make_signatures(eu_petition, 2, country="FR", region="", start=10):
        confirm_signature(public_id=s.public_id)
    flush_counts(petition_id=br_petition.pk)
    SignatureCount.objects.filter(petition=br_petition).update(count=7)
    SignatureCount.objects.create(petition=br_petition, country="AR", region="", count=4)
    result = reconcile_counts(petition=br_petition)
    assert result.corrected == {("AR", ""): (4, 0), ("BR", "BR-RJ"): (7, 3)}
    assert petition_counts(petition_id=br_petition.pk).by_country == {"BR": 3}
    assert petition_counts(petition_id=eu_petition.pk).by_country == {"FR": 2}


def test_reconcile_command_reports(br_petition, capsys):
    for s in make_signatures(br_petition, 2):
        Signature.objects.filter(pk=s.pk).update(
            status=SignatureStatus.CONFIRMED, confirmed_at=timezone.now()
        )
    flush_counts(petition_id=br_petition.pk)
    SignatureCount.objects.filter(petition=br_petition).update(count=5)
    call_command("reconcile_counts", "tiremeurostodasuamira")
    assert capsys.readouterr().out == ("tiremeurostodasuamira: BR BR-RJ corrected from 5 to 2\n")
    call_command("reconcile_counts", "tiremeurostodasuamira")
    assert capsys.readouterr().out == "tiremeurostodasuamira: counts match the rows\n"


def test_counts_are_read_without_scanning_signatures(br_petition, django_assert_num_queries):
    make_signatures(br_petition, 5)
    petition_counts(petition_id=br_petition.pk)
    # A savepoint, the lock, the flush and the read of the count rows.
    with django_assert_num_queries(5):
        petition_counts(petition_id=br_petition.pk)
