"""Recording consents with the exact wording that was shown."""

from __future__ import annotations

import hashlib

from petitions.models import Consent, ConsentText

# Texts are immutable once stored, so their ids can be remembered per process.
_text_ids: dict[str, int] = {}


def consent_text_id(*, kind: str, language: str, text: str) -> int:
    """The id of the stored ConsentText for this exact wording, storing it on first use."""
    digest = hashlib.sha256(f"{kind}\n{language}\n{text}".encode()).hexdigest()
    if digest not in _text_ids:
        row, _ = ConsentText.objects.get_or_create(
            sha256=digest, defaults={"kind": kind, "language": language, "text": text}
        )
        _text_ids[digest] = row.pk
    return _text_ids[digest]


def signature_consents(*, signature_id: int) -> list[Consent]:
    """The signature's consents with their exact texts, oldest first."""
    return list(
        Consent.objects.filter(signature_id=signature_id)
        .select_related("text")
        .order_by("given_at", "text__kind")
    )
