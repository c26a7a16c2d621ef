"""Keeping signer data no longer than needed: `manage.py purge_expired` calls ``purge_expired``.

- Unconfirmed signatures are deleted UNCONFIRMED_RETENTION_DAYS after they were made.
- Mail kept as files (the console backend's copies in EMAIL_FILE_PATH, with live confirm and
  withdraw links) is deleted MAIL_FILE_DAYS after it was written.
- Once a petition has closed and been delivered, ANONYMISE_AFTER_DAYS after the later of the
  two its signatures lose everything that identifies a person (name, email, postal code,
  IP hash, consents, link ids, opt-ins, and the attribution a link or an embedding page could
  tie to one person: ``ref``, ``embed_origin``, and a ``source`` fewer than
  SHARED_SOURCE_MIN signers of the petition share) while their country, region, partner,
  widget, status, review flag and counted state stay, so the counts by country, region,
  partner and widget stay true. Its unconfirmed signatures are deleted.
- A signature's IP hash is erased IP_HASH_RETENTION_DAYS after it was made, unless it is held
  for review: then it stays until an organizer releases the signature (and is erased at the
  next purge) or deletes it. Review is all it is kept for; the rate limits have their own
  counters, which end with their windows.
- The random keys of the IP hashes of past UTC days are deleted (petitions/abuse/ip_hashing.py).
"""

from __future__ import annotations

import datetime
import logging
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from petitions.abuse.ip_hashing import delete_past_keys
from petitions.abuse.throttle import delete_expired_counters
from petitions.mail.suppression import delete_stale_soft_bounces
from petitions.models import Petition

logger = logging.getLogger(__name__)

# The names Django's file mail backend gives its files (timestamp and a number): nothing else in
# EMAIL_FILE_PATH, which an operator may point anywhere, is ever deleted.
MAIL_FILE_NAME = re.compile(r"\d{8}-\d{6}-\d+\.log")

# Lock the doomed rows first, so a signer confirming at this moment waits and then finds
# nothing, instead of confirming a row whose consents are already gone.
_DELETE_PENDING = """
WITH doomed AS (
    SELECT id FROM petitions_signature
    WHERE status = 'pending' AND {where}
    FOR UPDATE
), consents AS (
    DELETE FROM petitions_consent WHERE signature_id IN (SELECT id FROM doomed)
)
DELETE FROM petitions_signature s USING doomed WHERE s.id = doomed.id
RETURNING s.petition_id
"""

# A source shared by this many signers of a petition names a channel ("newsletter"), not a
# person's link ("mail-to-joao"): it is kept, so the summary by source stays true.
SHARED_SOURCE_MIN = 10

# Every confirmed signature, counted or held: anonymisation is about the data, not the counts.
_ANONYMISE = """
WITH shared AS (
    SELECT source FROM petitions_signature
    WHERE petition_id = %(petition)s AND status = 'confirmed' AND source <> ''
    GROUP BY source HAVING count(*) >= %(shared_source_min)s
), doomed AS (
    SELECT id FROM petitions_signature
    WHERE petition_id = %(petition)s AND status = 'confirmed' AND anonymised_at IS NULL
    FOR UPDATE
), consents AS (
    DELETE FROM petitions_consent WHERE signature_id IN (SELECT id FROM doomed)
)
UPDATE petitions_signature s
SET name = '', email = '', postal_code = '', ip_hash = '', updates_opt_in = false,
    partner_opt_in = false, ref = '', embed_origin = '',
    source = CASE WHEN s.source IN (SELECT source FROM shared) THEN s.source ELSE '' END,
    email_key = 'anonymised:' || gen_random_uuid()::text,
    public_id = gen_random_uuid(), anonymised_at = %(now)s
FROM doomed WHERE s.id = doomed.id
RETURNING s.petition_id
"""

# Row locks skipped: a signature being confirmed or released right now loses its hash next hour.
_ERASE_IP_HASHES = """
UPDATE petitions_signature SET ip_hash = ''
WHERE id IN (
    SELECT id FROM petitions_signature
    WHERE ip_hash <> '' AND held_reason = '' AND created_at < %s
    FOR UPDATE SKIP LOCKED
)
"""


@dataclass
class PurgeReport:
    unconfirmed_deleted: Counter = field(default_factory=Counter)  # petition slug -> rows
    anonymised: Counter = field(default_factory=Counter)
    ip_hashes_erased: int = 0
    ip_hash_keys_deleted: int = 0
    rate_counters_deleted: int = 0
    mail_files_deleted: int = 0
    cache_entries_deleted: int = 0
    soft_bounces_deleted: int = 0

    def lines(self) -> list[str]:
        lines = [
            f"{slug}: deleted {n} unconfirmed signature(s)"
            for slug, n in sorted(self.unconfirmed_deleted.items())
        ]
        lines += [
            f"{slug}: anonymised {n} signature(s)" for slug, n in sorted(self.anonymised.items())
        ]
        lines.append(f"erased the IP hash of {self.ip_hashes_erased} signature(s)")
        lines.append(f"deleted {self.ip_hash_keys_deleted} IP hash key(s) of past days")
        lines.append(f"deleted {self.rate_counters_deleted} expired rate counter(s)")
        lines.append(f"deleted {self.mail_files_deleted} mail file(s)")
        lines.append(f"deleted {self.cache_entries_deleted} expired shared-cache entry(ies)")
        lines.append(f"forgot {self.soft_bounces_deleted} stale soft bounce(s)")
        return lines


def _slugs(petition_ids: list[int]) -> Counter:
    names = dict(
        Petition.objects.filter(pk__in=set(petition_ids)).values_list("pk", "campaign__slug")
    )
    return Counter(names[pk] for pk in petition_ids)


def anonymisable_petitions(*, now: datetime.datetime) -> list[Petition]:
    """Closed and delivered petitions whose anonymisation period has passed."""
    cutoff = now - datetime.timedelta(days=settings.ANONYMISE_AFTER_DAYS)
    return list(
        Petition.objects.filter(
            closes_at__lt=cutoff,
            delivered_at__isnull=False,
            delivered_at__lt=cutoff,
        ).select_related("campaign")
    )


def delete_old_mail_files(*, now: datetime.datetime) -> int:
    """Delete mail files in EMAIL_FILE_PATH last written over MAIL_FILE_DAYS ago; how many.

    Side effect: files removed from EMAIL_FILE_PATH.
    """
    folder = Path(settings.EMAIL_FILE_PATH)
    cutoff = (now - datetime.timedelta(days=settings.MAIL_FILE_DAYS)).timestamp()
    try:
        entries = list(folder.iterdir())
    except FileNotFoundError:
        return 0
    deleted = 0
    for path in entries:
        if not MAIL_FILE_NAME.fullmatch(path.name) or not path.is_file():
            continue
        if path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            deleted += 1
    return deleted


def delete_expired_cache_entries(*, now: datetime.datetime) -> int:
    """Delete the expired rows of the shared cache when it is a PostgreSQL table (no REDIS_URL);
    how many. Django's database cache removes them only once the table passes MAX_ENTRIES.

    Side effect: DELETE of expired rows of that table.
    """
    config = settings.CACHES["default"]
    if config["BACKEND"] != "django.core.cache.backends.db.DatabaseCache":
        return 0
    table = connection.ops.quote_name(config["LOCATION"])
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE expires < %s", [now])
        return cursor.rowcount


def purge_expired(*, now: datetime.datetime | None = None) -> PurgeReport:
    """Delete expired unconfirmed signatures and anonymise those of finished petitions.

    Side effects: DELETE and UPDATE of signatures and consents, UPDATE of signatures whose IP
    hash is no longer needed, DELETE of the IP hash keys of past days, of rate counters, of
    stale soft bounces and of the shared cache's expired rows, mail files deleted; one log line per petition touched.
    """
    now = now or timezone.now()
    report = PurgeReport()
    cutoff = now - datetime.timedelta(days=settings.UNCONFIRMED_RETENTION_DAYS)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_DELETE_PENDING.format(where="created_at < %s"), [cutoff])
        report.unconfirmed_deleted.update(_slugs([row[0] for row in cursor.fetchall()]))
    for petition in anonymisable_petitions(now=now):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(_DELETE_PENDING.format(where="petition_id = %s"), [petition.pk])
            if n := len(cursor.fetchall()):
                report.unconfirmed_deleted[petition.slug] += n
            cursor.execute(
                _ANONYMISE,
                {"petition": petition.pk, "now": now, "shared_source_min": SHARED_SOURCE_MIN},
            )
            if n := len(cursor.fetchall()):
                report.anonymised[petition.slug] += n
    hashes_cutoff = now - datetime.timedelta(days=settings.IP_HASH_RETENTION_DAYS)
    with connection.cursor() as cursor:
        cursor.execute(_ERASE_IP_HASHES, [hashes_cutoff])
        report.ip_hashes_erased = cursor.rowcount
    report.ip_hash_keys_deleted = delete_past_keys(today=now.astimezone(datetime.UTC).date())
    report.rate_counters_deleted = delete_expired_counters()
    report.mail_files_deleted = delete_old_mail_files(now=now)
    report.cache_entries_deleted = delete_expired_cache_entries(now=now)
    report.soft_bounces_deleted = delete_stale_soft_bounces(now=now)
    for line in report.lines():
        logger.info("purge_expired: %s", line)
    return report
