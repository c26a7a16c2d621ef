"""The audit log of access to signer data: exports, delivery packages, personal-data pages."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from petitions.models import AuditEvent, Petition, Signature


def record_audit(
    *, user, action: str, petition: Petition | None = None, rows: int = 0, detail: str = ""
) -> AuditEvent:
    """Append one event to the audit log. Side effect: one INSERT."""
    authenticated = user is not None and user.is_authenticated
    return AuditEvent.objects.create(
        user=user if authenticated else None,
        user_email=(user.email if authenticated else "")[:254],
        action=action[:64],
        petition=petition,
        rows=rows,
        detail=detail[:300],
    )


def record_audit_per_petition(
    *, user, action: str, signatures: Iterable[Signature], detail: str = ""
) -> None:
    """One event per petition the signatures belong to, naming how many rows; one event with
    no petition when there are none. Side effects: one INSERT per event, one SELECT."""
    per_petition = Counter(signature.petition_id for signature in signatures)
    if not per_petition:
        record_audit(user=user, action=action, detail=detail)
        return
    petitions = Petition.objects.in_bulk(list(per_petition))
    for petition_id, rows in sorted(per_petition.items()):
        record_audit(
            user=user,
            action=action,
            petition=petitions.get(petition_id),
            rows=rows,
            detail=detail,
        )
