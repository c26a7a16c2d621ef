"""One-click unsubscribe from update emails (RFC 8058), by a signed link."""

from __future__ import annotations

import uuid

from django.db import transaction
from django.utils import timezone

from petitions.models import Consent, ConsentKind, Signature


def unsubscribe(*, public_id: uuid.UUID) -> bool:
    """Stop update emails to the signature; True when it was subscribed until now.

    The updates consent records are kept with the time it was withdrawn (``withdrawn_at``),
    so the signer's data copy shows when it was given and when taken back; pending recipients
    of a running mailing are skipped when their batch is claimed. Idempotent. Side effects:
    UPDATE of the signature and of its updates consents.
    """
    with transaction.atomic():
        changed = Signature.objects.filter(public_id=public_id, updates_opt_in=True).update(
            updates_opt_in=False
        )
        if changed:
            Consent.objects.filter(
                signature__public_id=public_id,
                text__kind=ConsentKind.UPDATES,
                withdrawn_at__isnull=True,
            ).update(withdrawn_at=timezone.now())
    return bool(changed)
