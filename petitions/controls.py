"""An owner's switches on a petition: pause and resume signing, proof-of-work, closing, and
releasing held signatures. Each change is written to the audit log.

Paused (``is_open`` false) can be undone; closed (``closed_at`` set) is for good: the signing
service refuses both (``petitions/signing/service.py``) and the public page says which.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from petitions.abuse.review import release_signatures
from petitions.models import HeldReason, Petition, Signature
from petitions.reporting.access_log import record_audit


class PetitionClosedError(Exception):
    """The petition is closed: its signing cannot be resumed."""


def _locked(petition: Petition) -> Petition:
    return Petition.objects.select_for_update().get(pk=petition.pk)


def set_signing_open(*, petition: Petition, is_open: bool, by) -> Petition:
    """Pause (``is_open=False``) or resume signing. Raises PetitionClosedError on resuming a
    closed petition. Side effects: UPDATE of the petition, writes the audit log."""
    with transaction.atomic():
        locked = _locked(petition)
        if is_open and locked.closed_at is not None:
            raise PetitionClosedError
        locked.is_open = is_open
        locked.save(update_fields=["is_open"])
        record_audit(
            user=by, action="signing_resume" if is_open else "signing_pause", petition=locked
        )
    petition.is_open = is_open
    return petition


def set_require_pow(*, petition: Petition, required: bool, by) -> Petition:
    """Require proof-of-work from every signer's browser, or stop requiring it.
    Side effects: UPDATE of the petition, writes the audit log."""
    with transaction.atomic():
        locked = _locked(petition)
        locked.require_pow = required
        locked.save(update_fields=["require_pow"])
        record_audit(user=by, action="pow_on" if required else "pow_off", petition=locked)
    petition.require_pow = required
    return petition


def close_petition(*, petition: Petition, by) -> Petition:
    """Close the petition for good: signing stops and the page says it is closed.
    Side effects: UPDATE of the petition (closed_at, is_open), writes the audit log."""
    with transaction.atomic():
        locked = _locked(petition)
        if locked.closed_at is None:
            locked.closed_at = timezone.now()
            locked.is_open = False
            locked.save(update_fields=["closed_at", "is_open"])
            record_audit(user=by, action="petition_close", petition=locked)
    petition.closed_at, petition.is_open = locked.closed_at, locked.is_open
    return petition


def held_signatures(*, petition: Petition, limit: int = 200) -> list[Signature]:
    """The petition's held signatures, oldest first (personal data: the caller audits)."""
    return list(
        Signature.objects.filter(petition=petition)
        .exclude(held_reason=HeldReason.NONE)
        .order_by("created_at", "pk")[:limit]
    )


def release_held(*, petition: Petition, signature_ids: list[int], by) -> int:
    """Release the petition's held signatures among ``signature_ids`` into the counts
    (``abuse.review.release_signatures``). Side effects: those of release_signatures, and
    the audit log. Returns how many were released."""
    ids = list(
        Signature.objects.filter(petition=petition, pk__in=signature_ids).values_list(
            "pk", flat=True
        )
    )
    released = release_signatures(signature_ids=ids)
    record_audit(user=by, action="release_held", petition=petition, rows=len(released))
    return len(released)
