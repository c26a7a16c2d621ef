"""Signed tokens: the cookie-free form token and the links sent by email."""

from __future__ import annotations

import enum
import time
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core import signing

FORM_SALT = "petitions.form"
CONFIRM_SALT = "petitions.confirm"
# One salt per purpose, so a link made for one action never works for another.
WITHDRAW_SALT = "petitions.withdraw"
DATA_COPY_SALT = "petitions.data-copy"
RIGHTS_SALTS = {"withdraw": WITHDRAW_SALT, "data": DATA_COPY_SALT}


class TokenProblem(enum.Enum):
    INVALID = "invalid"
    EXPIRED = "expired"


def make_form_token(*, petition_id: int) -> str:
    """A token the sign form carries instead of a CSRF cookie: it names the petition."""
    return signing.TimestampSigner(salt=FORM_SALT).sign(str(petition_id))


def check_form_token(token: str, *, petition_id: int) -> TokenProblem | None:
    """None when the token is genuine, for this petition, and not older than FORM_TOKEN_MAX_AGE."""
    signer = signing.TimestampSigner(salt=FORM_SALT)
    try:
        value = signer.unsign(token or "", max_age=settings.FORM_TOKEN_MAX_AGE)
    except signing.SignatureExpired:
        return TokenProblem.EXPIRED
    except signing.BadSignature:
        return TokenProblem.INVALID
    return None if value == str(petition_id) else TokenProblem.INVALID


def form_token_age(token: str) -> float | None:
    """Seconds since a genuine form token was made; None for a token that is not genuine.

    Read from the TimestampSigner's own timestamp (the last part before the signature), so it
    works whatever value the token signs.
    """
    signer = signing.TimestampSigner(salt=FORM_SALT)
    try:
        signer.unsign(token or "")
        timestamp = signing.b62_decode(token.rsplit(signer.sep, 2)[-2])
    except (signing.BadSignature, ValueError, IndexError):
        return None
    return time.time() - timestamp


def make_confirm_token(public_id: uuid.UUID) -> str:
    return signing.TimestampSigner(salt=CONFIRM_SALT).sign(public_id.hex)


@dataclass(frozen=True)
class LinkToken:
    public_id: uuid.UUID | None
    problem: TokenProblem | None


def read_confirm_token(token: str) -> LinkToken:
    """Read a confirmation link; an expired but genuine link still names its signature."""
    signer = signing.TimestampSigner(salt=CONFIRM_SALT)
    try:
        value = signer.unsign(token, max_age=settings.SIGNATURE_CONFIRM_MAX_AGE)
        problem = None
    except signing.SignatureExpired:
        value = signer.unsign(token)
        problem = TokenProblem.EXPIRED
    except signing.BadSignature:
        return LinkToken(None, TokenProblem.INVALID)
    try:
        return LinkToken(uuid.UUID(hex=value), problem)
    except ValueError:
        return LinkToken(None, TokenProblem.INVALID)


def make_rights_token(public_id: uuid.UUID, *, purpose: str) -> str:
    """A link token for one of the signer's rights: ``withdraw`` or ``data`` (a copy)."""
    return signing.TimestampSigner(salt=RIGHTS_SALTS[purpose]).sign(public_id.hex)


def read_rights_token(token: str, *, purpose: str) -> LinkToken:
    """Read a rights link made for ``purpose``; it expires after SIGNER_LINK_MAX_AGE."""
    signer = signing.TimestampSigner(salt=RIGHTS_SALTS[purpose])
    try:
        value = signer.unsign(token, max_age=settings.SIGNER_LINK_MAX_AGE)
    except signing.SignatureExpired:
        return LinkToken(None, TokenProblem.EXPIRED)
    except signing.BadSignature:
        return LinkToken(None, TokenProblem.INVALID)
    try:
        return LinkToken(uuid.UUID(hex=value), None)
    except ValueError:
        return LinkToken(None, TokenProblem.INVALID)
