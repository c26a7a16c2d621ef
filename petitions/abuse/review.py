"""Reviewing held signatures: releasing them into the counts, or deleting them.

A held signature (``held_reason`` set by ``abuse.screen_signature``) is left out of everything
that counts (``Signature.objects.counted()``). Releasing it does what its confirmation did not:
its partner webhook is queued and the counts take it up.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from petitions.models import HeldReason, Signature, SignatureStatus
from petitions.partners.notify import enqueue_partner_webhook
from petitions.reporting.counting import flush_counts


def release_signatures(*, signature_ids: Iterable[int]) -> list[Signature]:
    """Release the held signatures among ``signature_ids``; returns those released.

    A released signature that is confirmed already gets what confirmation gives a signature
    that was never held: its partner webhook (when the signer opted in) and its place in the
    counts (flushed at once). A pending one gets both when it is confirmed. The rows are
    locked first, so a confirmation at this moment either sees the hold or the release.
    Side effects: UPDATE of signatures, WebhookDelivery rows and queued tasks, a count flush.
    """
    with transaction.atomic():
        released = list(
            Signature.objects.select_for_update(of=("self",))
            .select_related("partner")
            .filter(pk__in=list(signature_ids))
            .exclude(held_reason=HeldReason.NONE)
            .order_by("pk")
        )
        Signature.objects.filter(pk__in=[s.pk for s in released]).update(
            held_reason=HeldReason.NONE
        )
        for signature in released:
            signature.held_reason = HeldReason.NONE
            if signature.status == SignatureStatus.CONFIRMED:
                enqueue_partner_webhook(signature=signature)
    for petition_id in sorted({s.petition_id for s in released}):
        flush_counts(petition_id=petition_id, wait=True)
    return released


def delete_held_signatures(*, signature_ids: Iterable[int]) -> list[Signature]:
    """Delete the held signatures among ``signature_ids``; returns those deleted.

    Held signatures are never counted, so the counts stay as they are. Side effects: DELETE
    of the signatures with their consents and webhook deliveries.
    """
    with transaction.atomic():
        doomed = list(
            Signature.objects.select_for_update()
            .filter(pk__in=list(signature_ids))
            .exclude(held_reason=HeldReason.NONE)
            .order_by("pk")
        )
        for signature in doomed:
            signature.delete()
    return doomed
