"""Planning and sending an update email: who gets it, in which language, exactly once."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from campaign.campaigns.updates import update_language
from petitions.mail.suppression import address_hash, suppress
from petitions.mailings import planning, requests, sending, transport
from petitions.models import (
    AuditEvent,
    Mailing,
    MailingRecipient,
    MailingStatus,
    RecipientState,
    Signature,
)
from tests import factories

pytestmark = pytest.mark.django_db

UNSUBSCRIBE = re.compile(r"http://testserver/[a-z-]+/mailshop/unsubscribe/[^/\s\"<>]+/")


def signer(campaign, **fields):
    fields.setdefault("updates_opt_in", True)
    return factories.signature(petition=campaign.petition, **fields)


def start(update, owner, run_tasks) -> Mailing:
    """Test send, confirm and run every queued task, as the organizer and the worker would."""
    requests.send_test(update=update, user=owner, language="en")
    mailing = requests.confirm(update=update, user=owner)
    run_tasks(limit=1000)
    mailing.refresh_from_db()
    return mailing


def test_recipients_are_counted_opted_in_signers_not_suppressed(shop):
    campaign, update = shop
    wanted = [
        signer(campaign, locale="en"),
        signer(campaign, locale="de"),
        signer(campaign, locale="pt-br"),  # no pt-br text: English, its chain's fallback
        signer(campaign, locale="fr"),
    ]
    signer(campaign, updates_opt_in=False)
    signer(campaign, confirmed=False)
    signer(campaign, held_reason="rate_ip")
    signer(campaign, anonymised_at=timezone.now())
    suppressed = signer(campaign, email="bounced@example.org")
    suppress(suppressed.email, reason="bounced")
    factories.signature(petition=shop[0].petition, email="other@example.org")
    assert planning.recipient_counts(update=update) == {"de": 1, "en": 3}
    mailing = Mailing.objects.create(
        update=update, status=MailingStatus.PLANNING, confirmed_at=timezone.now()
    )
    assert planning.plan(mailing_id=mailing.pk) == 2
    rows = MailingRecipient.objects.filter(mailing=mailing)
    assert sorted((r.signature_id, r.language, r.batch) for r in rows) == sorted(
        [
            (wanted[0].pk, "en", 2),
            (wanted[1].pk, "de", 1),
            (wanted[2].pk, "en", 2),
            (wanted[3].pk, "en", 2),
        ]
    )
    assert planning.plan(mailing_id=mailing.pk) is None  # planned once


def test_suppression_hash_in_sql_is_the_suppression_lists(shop):
    inner, outer = planning._hmac_pads()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT encode(sha256(%s || sha256(%s || convert_to(%s, 'UTF8'))), 'hex')",
            [outer, inner, "joão@example.org"],
        )
        assert cursor.fetchone()[0] == address_hash("joão@example.org")


def test_batches_are_per_language_and_fixed_at_planning(shop, settings):
    settings.MAILING_BATCH_SIZE = 2
    campaign, update = shop
    for _ in range(3):
        signer(campaign, locale="en")
    signer(campaign, locale="de")
    mailing = Mailing.objects.create(
        update=update, status=MailingStatus.PLANNING, confirmed_at=timezone.now()
    )
    assert planning.plan(mailing_id=mailing.pk) == 3
    batches = {}
    for row in MailingRecipient.objects.filter(mailing=mailing):
        batches.setdefault(row.batch, set()).add(row.language)
    assert batches == {1: {"de"}, 2: {"en"}, 3: {"en"}}
    assert sorted(
        MailingRecipient.objects.filter(mailing=mailing, language="en").values_list(
            "batch", flat=True
        )
    ) == [2, 2, 3]


def test_update_language_follows_the_fallback_chain(shop):
    _, update = shop
    assert [
        update_language(update.campaign, update, code)
        for code in ("de", "de-at", "pt-br", "fr", "en")
    ] == [
        "de",
        "de",
        "en",
        "en",
        "en",
    ]


def test_mailing_sends_each_signer_one_message_in_their_language(shop, owner, run_tasks):
    campaign, update = shop
    en, de = signer(campaign, locale="en"), signer(campaign, locale="de")
    mailing = start(update, owner, run_tasks)
    test, *sent = mail.outbox
    assert test.to == ["owner@example.org"] and test.subject == "[TEST] Big news"
    assert sorted((m.to[0], m.subject) for m in sent) == sorted(
        [(en.email, "Big news"), (de.email, "Große Neuigkeiten")]
    )
    german = next(m for m in sent if m.to == [de.email])
    unsubscribe_url = UNSUBSCRIBE.search(german.body).group(0)
    assert german.extra_headers["List-Unsubscribe"] == f"<{unsubscribe_url}>"
    assert german.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert german.extra_headers["List-Id"] == "mailshop <mailshop.updates.testserver>"
    assert "The body in de." in german.body
    assert (
        "Du erhältst diese E-Mail, weil du beim Unterschreiben um Neuigkeiten zu #mailshop "
        "gebeten hast." in german.body
    )
    html = german.alternatives[0][0]
    assert f'href="{unsubscribe_url}"' in html and "<em>paragraph</em>" in html
    assert "MAILINGPLACEHOLDER" not in german.body + html
    assert (mailing.status, mailing.recipients, mailing.sent, mailing.skipped) == (
        MailingStatus.DONE,
        2,
        2,
        0,
    )
    assert set(
        MailingRecipient.objects.filter(mailing=mailing).values_list("state", flat=True)
    ) == {"sent"}
    assert list(
        AuditEvent.objects.filter(action__startswith="mailing").values_list("action", "rows")
    ) == [("mailing_finished", 2), ("mailing_confirm", 2), ("mailing_test", 0)]


def test_confirm_twice_starts_one_mailing(shop, owner, run_tasks):
    campaign, update = shop
    signer(campaign)
    requests.send_test(update=update, user=owner, language="en")
    first = requests.confirm(update=update, user=owner)
    second = requests.confirm(update=update, user=owner)
    run_tasks(limit=1000)
    assert first.pk == second.pk
    assert len(mail.outbox) == 2  # the test and one message
    assert AuditEvent.objects.filter(action="mailing_confirm").count() == 1


def test_confirm_needs_a_test_send_first(shop, owner):
    _, update = shop
    with pytest.raises(requests.MailingError):
        requests.confirm(update=update, user=owner)
    assert not Mailing.objects.filter(update=update, status=MailingStatus.PLANNING).exists()


def test_signers_who_leave_before_their_batch_are_skipped(shop, owner, run_tasks):
    campaign, update = shop
    stays = signer(campaign)
    leaves = signer(campaign)
    bounces = signer(campaign)
    requests.send_test(update=update, user=owner, language="en")
    mailing = requests.confirm(update=update, user=owner)
    run_tasks(limit=2)  # the test send and the planning
    Signature.objects.filter(pk=leaves.pk).update(updates_opt_in=False)
    suppress(bounces.email, reason="bounced")
    run_tasks(limit=1000)
    mailing.refresh_from_db()
    assert [m.to for m in mail.outbox[1:]] == [[stays.email]]
    assert (mailing.sent, mailing.skipped, mailing.status) == (1, 2, MailingStatus.DONE)


def in_flight(mailing, *, minutes_ago: int = 0) -> None:
    """Leave the mailing's rows as a worker killed between handing them over and recording."""
    MailingRecipient.objects.filter(mailing=mailing).update(
        state=RecipientState.SENDING,
        claimed_at=timezone.now() - datetime.timedelta(minutes=minutes_ago),
    )


def planned(update, owner, run_tasks) -> Mailing:
    requests.send_test(update=update, user=owner, language="en")
    mailing = requests.confirm(update=update, user=owner)
    run_tasks(limit=2)
    mail.outbox.clear()
    return mailing


def test_crash_without_idempotency_marks_in_flight_unknown_and_never_resends(
    shop, owner, run_tasks
):
    campaign, update = shop
    signer(campaign)
    signer(campaign)
    mailing = planned(update, owner, run_tasks)
    in_flight(mailing)
    run_tasks(limit=1000)
    mailing.refresh_from_db()
    assert mail.outbox == []
    assert (mailing.sent, mailing.unknown, mailing.status) == (0, 2, MailingStatus.DONE)
    assert set(
        MailingRecipient.objects.filter(mailing=mailing).values_list("state", flat=True)
    ) == {"unknown"}


def test_batch_api_sends_one_request_with_merged_links_and_key(shop, owner, run_tasks, brevo):
    campaign, update = shop
    people = [signer(campaign) for _ in range(3)]
    mailing = start(update, owner, run_tasks)
    assert brevo.requests == 2  # the test, then one batch
    batch = [m for m in brevo.messages if m["to"] != ["owner@example.org"]]
    assert sorted(m["to"][0] for m in batch) == sorted(p.email for p in people)
    key = transport.idempotency_key(mailing_id=mailing.pk, batch=1)
    for message in batch:
        url = UNSUBSCRIBE.search(message["text"]).group(0)
        assert message["headers"]["List-Unsubscribe"] == f"<{url}>"
        assert message["headers"]["idempotencyKey"] == key
        assert f'href="{url}"' in message["html"]
    assert len({UNSUBSCRIBE.search(m["text"]).group(0) for m in batch}) == 3
    ids = set(MailingRecipient.objects.filter(mailing=mailing).values_list("message_id", flat=True))
    assert ids == {m["message_id"] for m in batch}
    assert (mailing.sent, mailing.status) == (3, MailingStatus.DONE)


def test_crash_with_idempotent_esp_resends_under_the_same_key(shop, owner, run_tasks, brevo):
    campaign, update = shop
    people = [signer(campaign) for _ in range(2)]
    mailing = planned(update, owner, run_tasks)
    # The first attempt reached the ESP, then the worker died before recording it.
    rows = sending._recipients(
        [
            (r.pk, r.signature.email, r.signature.public_id)
            for r in MailingRecipient.objects.filter(mailing=mailing).select_related("signature")
        ],
        campaign.slug,
    )
    rendered = sending.render_update(update, "en")
    api = transport.batch_api()
    key = transport.idempotency_key(mailing_id=mailing.pk, batch=1)
    transport.batch_message(rendered, rows, api=api, key=key).send()
    in_flight(mailing)
    run_tasks(limit=1000)
    mailing.refresh_from_db()
    assert brevo.duplicate_messages == 2
    assert {p.email: brevo.per_recipient[p.email] for p in people} == {p.email: 1 for p in people}
    assert (mailing.sent, mailing.unknown, mailing.status) == (2, 0, MailingStatus.DONE)


def test_crash_with_idempotent_esp_past_its_key_window_is_unknown(
    shop, owner, run_tasks, brevo, settings
):
    campaign, update = shop
    signer(campaign)
    mailing = planned(update, owner, run_tasks)
    requests_before = brevo.requests
    in_flight(mailing, minutes_ago=settings.MAILING_IDEMPOTENCY_WINDOW // 60 + 1)
    run_tasks(limit=1000)
    mailing.refresh_from_db()
    assert brevo.requests == requests_before
    assert (mailing.sent, mailing.unknown) == (0, 1)


def test_esp_refusal_retries_later_and_then_fails(shop, owner, run_tasks, brevo, settings):
    campaign, update = shop
    signer(campaign)
    mailing = planned(update, owner, run_tasks)
    settings.ANYMAIL = {**settings.ANYMAIL, "BREVO_API_KEY": "wrong"}  # answered with a 401
    settings.EMAIL_RETRY_DELAYS = []
    with pytest.raises(Exception):  # noqa: B017 -- the task's failure, as the worker records it
        sending.send_batch(mailing_id=mailing.pk, batch=1)
    assert MailingRecipient.objects.get(mailing=mailing).state == RecipientState.PENDING
    run_tasks(limit=1000)
    mailing.refresh_from_db()
    assert (mailing.failed, mailing.status) == (1, MailingStatus.DONE)


def test_withdrawal_deletes_recipient_rows(shop, owner, run_tasks):
    from petitions.rights.requests import withdraw_signature

    campaign, update = shop
    gone = signer(campaign)
    start(update, owner, run_tasks)
    withdraw_signature(public_id=gone.public_id)
    assert not MailingRecipient.objects.filter(signature_id=gone.pk).exists()


def test_data_copy_lists_updates_emailed_and_the_withdrawn_consent(shop, owner, run_tasks):
    from petitions.mail.data_copy import consent_rows, updates_emailed
    from petitions.mailings.unsubscribe import unsubscribe

    campaign, update = shop
    person = signer(campaign, locale="de")
    start(update, owner, run_tasks)
    person.refresh_from_db()
    emailed = updates_emailed(person)
    assert [row["title"] for row in emailed] == ["Große Neuigkeiten"]
    assert unsubscribe(public_id=person.public_id) is True
    assert unsubscribe(public_id=person.public_id) is False
    assert consent_rows(person) == []  # the factory's signer gave no recorded consent
