"""Email address normalisation, so that one person signs a petition once."""

from __future__ import annotations


def normalise_email(email: str) -> str:
    """The key under which an address is unique: trimmed and lower-cased."""
    return email.strip().lower()
