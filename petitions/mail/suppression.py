"""The suppression list: addresses that bounced hard, complained or unsubscribed, kept as keyed
hashes, and the soft-bounce records (what to do with ESP events: mail/health.py)."""

from __future__ import annotations

import datetime
import functools
import logging
import secrets

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.utils.crypto import salted_hmac

from petitions.addresses import normalise_email
from petitions.models import EmailHashKey, EmailSuppression, Signature, SignatureStatus, SoftBounce

logger = logging.getLogger(__name__)


HASH_SALT = "petitions.suppression"


HASH_KEY_PURPOSE = "suppression"


@functools.cache
def hash_key() -> str:
    """The suppression list's hash key: made once (by migration 0011, or here) and kept."""
    row, _ = EmailHashKey.objects.get_or_create(
        purpose=HASH_KEY_PURPOSE, defaults={"key": secrets.token_hex(32)}
    )
    return row.key


def address_hash(email: str) -> str:
    """A keyed hash of the normalised address: the suppression list keeps no readable address."""
    return salted_hmac(
        HASH_SALT, normalise_email(email), secret=hash_key(), algorithm="sha256"
    ).hexdigest()


def legacy_address_hashes(email: str) -> list[str]:
    """The hashes rows written before migration 0011 carry: keyed on SECRET_KEY or a fallback."""
    value = normalise_email(email)
    secrets_ = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return [salted_hmac(HASH_SALT, value, secret=secret).hexdigest() for secret in secrets_]


def _suppressions(email: str):
    return EmailSuppression.objects.filter(
        address_hash__in=[address_hash(email), *legacy_address_hashes(email)]
    )


def is_suppressed(email: str) -> bool:
    """Whether no mail may go to the address.

    A suppression the address has since outlived by confirming a signature is lifted here
    (deleted); one found under a legacy hash is re-keyed. Side effects: DELETE/UPDATE of
    EmailSuppression rows.
    """
    # Any confirmation, held or not: it shows the mailbox works again (not a count).
    confirmed_later = Signature.objects.filter(
        email_key=normalise_email(email),
        status=SignatureStatus.CONFIRMED,
        confirmed_at__gt=OuterRef("created_at"),
    )
    rows = list(_suppressions(email).annotate(lifted=Exists(confirmed_later)))
    if not rows:
        return False
    if any(row.lifted for row in rows):
        lift_suppression(email, why="a later confirmation")
        return False
    current = address_hash(email)
    if all(row.address_hash != current for row in rows):
        EmailSuppression.objects.filter(pk=rows[0].pk).update(address_hash=current)
    return True


def suppress(email: str, *, reason: str) -> None:
    """Add the address to the suppression list (once). Side effect: INSERT of EmailSuppression."""
    if not _suppressions(email).exists():
        EmailSuppression.objects.get_or_create(
            address_hash=address_hash(email), defaults={"reason": reason}
        )


def lift_suppression(email: str, *, why: str) -> None:
    """Take the address off the suppression list and forget its soft bounces.

    Side effects: DELETE of EmailSuppression and SoftBounce rows.
    """
    deleted, _ = _suppressions(email).delete()
    SoftBounce.objects.filter(address_hash=address_hash(email)).delete()
    if deleted:
        logger.info("Lifted a suppression after %s", why)


def delete_stale_soft_bounces(*, now: datetime.datetime) -> int:
    """Forget soft bounces older than SOFT_BOUNCE_WINDOW (the hourly purge); how many.

    Side effect: DELETE of SoftBounce rows.
    """
    deleted, _ = SoftBounce.objects.filter(last_bounced_at__lt=now - SOFT_BOUNCE_WINDOW).delete()
    return deleted


# A box that soft-bounced this long ago gets a fresh set of resends.
SOFT_BOUNCE_WINDOW = datetime.timedelta(days=7)
