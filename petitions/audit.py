"""Audit trail of access to personal data.

Placeholder; replaced at merge by branch issue4-organizers (which stores AuditEvent rows).
"""

from __future__ import annotations


def record_audit(*, user, action: str, petition=None, rows: int = 0, detail: str = ""):
    """Record who did what to which petition's data. This placeholder stores nothing."""
    return None
