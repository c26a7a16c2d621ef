"""The organizer's steps: a test send to oneself, then the confirmation that starts the mailing."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaign.campaigns.models import CampaignUpdate
from campaign.campaigns.updates import shown_translations, update_language
from petitions.mailings.planning import recipient_counts
from petitions.mailings.tasks import plan_mailing, send_mailing_test
from petitions.models import Mailing, MailingStatus
from petitions.reporting.access_log import record_audit


class MailingError(Exception):
    """The update cannot be sent (yet): the message says why, for the organizer."""


def _draft(update: CampaignUpdate, user) -> Mailing:
    mailing, _ = Mailing.objects.get_or_create(update=update, defaults={"requested_by": user})
    return mailing


def send_test(*, update: CampaignUpdate, user, language: str) -> Mailing:
    """Queue the update's email to the organizer's own address in ``language``.

    Makes the update's mailing (a draft) on first use and records ``test_sent_at``. Side
    effects: INSERT/UPDATE of the Mailing, one queued task, one audit event.
    """
    if not shown_translations(update.campaign, update):
        raise MailingError(_("The update has no text in the campaign's primary language yet."))
    with transaction.atomic():
        mailing = _draft(update, user)
        if mailing.status != MailingStatus.DRAFT:
            raise MailingError(_("This update has been sent already."))
        Mailing.objects.filter(pk=mailing.pk).update(test_sent_at=timezone.now())
        send_mailing_test.enqueue(mailing_id=mailing.pk, language=language, email=user.email)
        record_audit(
            user=user,
            action="mailing_test",
            petition=update.campaign.petition,
            detail=f"update {update.slug}, {update_language(update.campaign, update, language)}",
        )
    mailing.refresh_from_db()
    return mailing


def confirm(*, update: CampaignUpdate, user) -> Mailing:
    """Start sending the update to its recipients, once: after a test send, only the first
    confirmation changes anything (a conditional UPDATE), so a double click sends nothing twice.

    Side effects: UPDATE of the Mailing (planning, confirmed_at), a queued planning task, one
    audit event naming how many signers it is for.
    """
    if update.published_at is None:
        raise MailingError(_("Publish the update before sending it."))
    with transaction.atomic():
        started = Mailing.objects.filter(
            update=update, status=MailingStatus.DRAFT, test_sent_at__isnull=False
        ).update(status=MailingStatus.PLANNING, confirmed_at=timezone.now(), requested_by=user)
        mailing = Mailing.objects.filter(update=update).first()
        if mailing is None or (not started and mailing.status == MailingStatus.DRAFT):
            raise MailingError(_("Send a test to yourself first."))
        if started:
            plan_mailing.enqueue(mailing_id=mailing.pk)
            record_audit(
                user=user,
                action="mailing_confirm",
                petition=update.campaign.petition,
                rows=sum(recipient_counts(update=update).values()),
                detail=f"update {update.slug}",
            )
    return mailing
