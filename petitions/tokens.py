"""Signed tokens: the cookie-free form token and the links sent by email."""

from __future__ import annotations

import enum
import functools
import time
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core import signing

FORM_SALT = "petitions.form"
CONFIRM_SALT = "petitions.confirm"
WIDGET_SALT = "petitions.widget-form"

# One salt per purpose, so a link made for one action never works for another.
WITHDRAW_SALT = "petitions.withdraw"
DATA_COPY_SALT = "petitions.data-copy"
UNSUBSCRIBE_SALT = "petitions.unsubscribe"
RIGHTS_SALTS = {"withdraw": WITHDRAW_SALT, "data": DATA_COPY_SALT, "unsubscribe": UNSUBSCRIBE_SALT}


class TokenProblem(enum.Enum):
    INVALID = "invalid"
    EXPIRED = "expired"


def token_window() -> int:
    """Seconds a form token stays the same: FORM_TOKEN_WINDOW, at most a quarter of
    FORM_TOKEN_MAX_AGE, so every signer keeps at least three quarters of the token's life."""
    return max(1, min(settings.FORM_TOKEN_WINDOW, settings.FORM_TOKEN_MAX_AGE // 4))


class WindowSigner(signing.TimestampSigner):
    """A TimestampSigner whose timestamp is the start of the current token window.

    Every page served in one window carries the same token, so a cached page's bytes and ETag
    stay the same while its content does. The tokens look exactly like TimestampSigner's, so
    those already in pages keep working. Age is judged from the window start (never less than
    the real age), so FORM_TOKEN_MAX_AGE is never exceeded.
    """

    def timestamp(self) -> str:
        now = int(time.time())
        return signing.b62_encode(now - now % token_window())


def make_form_token(*, petition_id: int) -> str:
    """A token the sign form carries instead of a CSRF cookie: it names the petition."""
    return WindowSigner(salt=FORM_SALT).sign(str(petition_id))


def check_form_token(token: str, *, petition_id: int) -> TokenProblem | None:
    """None when the token is genuine, for this petition, and not older than FORM_TOKEN_MAX_AGE."""
    genuine = _read_token(token, FORM_SALT)
    if genuine is None:
        return TokenProblem.INVALID
    value, signed_at = genuine
    if time.time() - signed_at > settings.FORM_TOKEN_MAX_AGE:
        return TokenProblem.EXPIRED
    return None if value == str(petition_id) else TokenProblem.INVALID


def make_widget_token(*, widget_id: int) -> str:
    """The token of the framed sign form, which can rely on no cookie at all: it names the
    widget, and is the same for every view of the frame in a window, so the frame is cacheable.

    It carries no nonce: a replayed form is bounded by the rate limits and by the one
    signature per address and petition (docs/SECURITY.md).
    """
    return WindowSigner(salt=WIDGET_SALT).sign(str(widget_id))


def check_widget_token(token: str, *, widget_id: int) -> TokenProblem | None:
    """None when the token is genuine, for this widget and not older than FORM_TOKEN_MAX_AGE."""
    genuine = _read_token(token, WIDGET_SALT)
    if genuine is None:
        return TokenProblem.INVALID
    value, signed_at = genuine
    if time.time() - signed_at > settings.FORM_TOKEN_MAX_AGE:
        return TokenProblem.EXPIRED
    if not value.isdigit():
        value = _widget_of_nonce_token(token)
    return None if value == str(widget_id) else TokenProblem.INVALID


def _widget_of_nonce_token(token: str) -> str:
    """The widget named by a token of the earlier kind (a signed JSON object with a one-time
    nonce), still in frames served before a deploy; its nonce is no longer spent."""
    try:
        value = signing.loads(token, salt=WIDGET_SALT)
    except signing.BadSignature:
        return ""
    return str(value.get("w", "")) if isinstance(value, dict) else ""


def _read_token(token: str, salt: str) -> tuple[str, int] | None:
    return _genuine_token(token or "", salt, settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS)


@functools.lru_cache(maxsize=1024)
def _genuine_token(token: str, salt: str, *keys: str) -> tuple[str, int] | None:
    """The value a genuine form token signs and when it was signed (None if not genuine).

    Remembered per token, salt and signing keys: in a surge most signers send one of the few
    tokens the cached pages carry, and checking one is two keyed hashes. Age is judged by the
    callers, on every use.
    """
    signer = signing.TimestampSigner(salt=salt)
    try:
        value = signer.unsign(token)
        # The TimestampSigner's own timestamp: the last part before the signature.
        signed_at = signing.b62_decode(token.rsplit(signer.sep, 2)[-2])
    except (signing.BadSignature, ValueError, IndexError):
        return None
    return value, signed_at


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
    """A link token for one of the signer's rights: ``withdraw``, ``data`` (a copy) or
    ``unsubscribe`` (from update emails)."""
    return signing.TimestampSigner(salt=RIGHTS_SALTS[purpose]).sign(public_id.hex)


def read_rights_token(token: str, *, purpose: str) -> LinkToken:
    """Read a rights link made for ``purpose``; it expires after SIGNER_LINK_MAX_AGE
    (an ``unsubscribe`` link after UNSUBSCRIBE_LINK_MAX_AGE, as update emails are kept longer)."""
    signer = signing.TimestampSigner(salt=RIGHTS_SALTS[purpose])
    max_age = (
        settings.UNSUBSCRIBE_LINK_MAX_AGE
        if purpose == "unsubscribe"
        else settings.SIGNER_LINK_MAX_AGE
    )
    try:
        value = signer.unsign(token, max_age=max_age)
    except signing.SignatureExpired:
        return LinkToken(None, TokenProblem.EXPIRED)
    except signing.BadSignature:
        return LinkToken(None, TokenProblem.INVALID)
    try:
        return LinkToken(uuid.UUID(hex=value), None)
    except ValueError:
        return LinkToken(None, TokenProblem.INVALID)
