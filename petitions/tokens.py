"""Signed tokens: the cookie-free form token and the links sent by email."""

from __future__ import annotations

import datetime
import enum
import functools
import secrets
import time
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db import connection
from django.utils import timezone

FORM_SALT = "petitions.form"
CONFIRM_SALT = "petitions.confirm"
WIDGET_SALT = "petitions.widget-form"

# One salt per purpose, so a link made for one action never works for another.
WITHDRAW_SALT = "petitions.withdraw"
DATA_COPY_SALT = "petitions.data-copy"
RIGHTS_SALTS = {"withdraw": WITHDRAW_SALT, "data": DATA_COPY_SALT}


class TokenProblem(enum.Enum):
    INVALID = "invalid"
    EXPIRED = "expired"
    REPLAYED = "replayed"


def make_form_token(*, petition_id: int) -> str:
    """A token the sign form carries instead of a CSRF cookie: it names the petition."""
    return signing.TimestampSigner(salt=FORM_SALT).sign(str(petition_id))


def check_form_token(token: str, *, petition_id: int) -> TokenProblem | None:
    """None when the token is genuine, for this petition, and not older than FORM_TOKEN_MAX_AGE."""
    genuine = _read_form_token(token)
    if genuine is None:
        return TokenProblem.INVALID
    value, signed_at = genuine
    if time.time() - signed_at > settings.FORM_TOKEN_MAX_AGE:
        return TokenProblem.EXPIRED
    return None if value == str(petition_id) else TokenProblem.INVALID


def _read_form_token(token: str) -> tuple[str, int] | None:
    return _genuine_form_token(token or "", settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS)


@functools.lru_cache(maxsize=1024)
def _genuine_form_token(token: str, *keys: str) -> tuple[str, int] | None:
    """The value a genuine form token signs and when it was signed (None if not genuine).

    Remembered per token and signing keys: in a surge most signers send one of the few tokens
    the cached campaign page carried, and checking one is two keyed hashes. Age is judged by
    the callers, on every use.
    """
    signer = signing.TimestampSigner(salt=FORM_SALT)
    try:
        value = signer.unsign(token)
        # The TimestampSigner's own timestamp: the last part before the signature.
        signed_at = signing.b62_decode(token.rsplit(signer.sep, 2)[-2])
    except (signing.BadSignature, ValueError, IndexError):
        return None
    return value, signed_at


@dataclass(frozen=True)
class WidgetFormToken:
    """What a widget form token carries: its widget and a one-time nonce."""

    widget_id: int
    nonce: str


def make_widget_token(*, widget_id: int) -> str:
    """A one-time token for the framed sign form, which can rely on no cookie at all."""
    return signing.dumps({"w": widget_id, "n": secrets.token_hex(16)}, salt=WIDGET_SALT)


def read_widget_token(token: str, *, widget_id: int) -> WidgetFormToken | TokenProblem:
    """The token's content when genuine, for this widget and fresh; else what is wrong."""
    try:
        value = signing.loads(token or "", salt=WIDGET_SALT, max_age=settings.FORM_TOKEN_MAX_AGE)
    except signing.SignatureExpired:
        return TokenProblem.EXPIRED
    except signing.BadSignature:
        return TokenProblem.INVALID
    if not isinstance(value, dict) or value.get("w") != widget_id or not value.get("n"):
        return TokenProblem.INVALID
    return WidgetFormToken(widget_id, str(value["n"]))


def spend_nonce(nonce: str) -> bool:
    """Record a form token's nonce as used; False when it was used before (a replay).

    Call inside the transaction that stores what the form sent, so a failed store frees the
    nonce again. Side effect: one INSERT into petitions_usedformnonce.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO petitions_usedformnonce (nonce, used_at) VALUES (%s, %s) "
            "ON CONFLICT (nonce) DO NOTHING",
            [nonce, timezone.now()],
        )
        return cursor.rowcount == 1


def purge_used_nonces() -> int:
    """Forget nonces whose tokens have expired anyway; returns how many rows were deleted."""
    from petitions.models import UsedFormNonce

    cutoff = timezone.now() - datetime.timedelta(seconds=settings.FORM_TOKEN_MAX_AGE + 60)
    deleted, _ = UsedFormNonce.objects.filter(used_at__lt=cutoff).delete()
    return deleted


def form_token_age(token: str) -> float | None:
    """Seconds since a genuine form token was made; None for a token that is not genuine."""
    genuine = _read_form_token(token)
    return None if genuine is None else time.time() - genuine[1]


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
