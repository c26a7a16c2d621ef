"""The audit log of access to signer data: exports, delivery packages, personal-data pages."""

from __future__ import annotations

from petitions.models import AuditEvent, Petition


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
