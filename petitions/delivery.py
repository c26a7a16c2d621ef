"""Delivery packages for legislators: one ZIP with a PDF and a CSV per place.

Per member state (EU campaign) or Brazilian state (BR campaign), a PDF that opens with the
petition text in that place's language, then the totals and the indicative quorum line, then the
signer list (names, region, country, date confirmed; never email addresses); and the same list
as CSV. Signers from elsewhere go to ``other``. Built in the background by a task with progress
updates; kept ``settings.DELIVERY_PACKAGE_DAYS`` days under ``VAR_DIR/deliveries``, then deleted.
"""

from __future__ import annotations

import csv
import datetime
import io
import itertools
import logging
import os
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from campaign.content import campaign_translation
from campaign.models import RegionKind
from petitions.counting import PetitionCounts, petition_counts
from petitions.exports.base import UTF8_BOM, neutralise, new_pdf
from petitions.exports.exporters import (
    CountrySummary,
    RegionSummary,
    SignerList,
    country_names,
    stream_rows,
)
from petitions.models import DeliveryPackage, DeliveryStatus, Petition
from petitions.quorums import QuorumSummary, place_name, quorum_rule, quorum_summary
from petitions.regions import BRAZILIAN_STATES

logger = logging.getLogger(__name__)

OTHER = "other"
PROGRESS_EVERY = 5000

# Official EU languages of each member state, in order of preference for a delivery.
MEMBER_STATE_LANGUAGES: dict[str, tuple[str, ...]] = {
    "AT": ("de",), "BE": ("nl", "fr", "de"), "BG": ("bg",), "CY": ("el",), "CZ": ("cs",),
    "DE": ("de",), "DK": ("da",), "EE": ("et",), "ES": ("es",), "FI": ("fi", "sv"),
    "FR": ("fr",), "GR": ("el",), "HR": ("hr",), "HU": ("hu",), "IE": ("ga", "en"),
    "IT": ("it",), "LT": ("lt",), "LU": ("fr", "de"), "LV": ("lv",), "MT": ("mt", "en"),
    "NL": ("nl",), "PL": ("pl",), "PT": ("pt",), "RO": ("ro",), "SE": ("sv",),
    "SI": ("sl",), "SK": ("sk",),
}  # fmt: skip


def deliveries_dir() -> Path:
    return Path(settings.VAR_DIR) / "deliveries"


def request_delivery_package(*, petition: Petition, requested_by) -> DeliveryPackage:
    """Create a pending package and enqueue its build, in one transaction.

    Side effects: a DeliveryPackage row, a queued build task, and a queued clean-up task that
    runs when the package expires.
    """
    from petitions.tasks import build_delivery_package, delete_expired_delivery_packages

    expires_at = timezone.now() + datetime.timedelta(days=settings.DELIVERY_PACKAGE_DAYS)
    with transaction.atomic():
        package = DeliveryPackage.objects.create(
            petition=petition, requested_by=requested_by, expires_at=expires_at
        )
        build_delivery_package.enqueue(package_id=package.pk)
        delete_expired_delivery_packages.using(
            run_after=expires_at + datetime.timedelta(minutes=1)
        ).enqueue()
    return package


def place_language(*, campaign, place: str) -> str:
    """The language a place's PDF is written in: an official language of the member state that
    the campaign has content in, else the campaign's primary language (pt-br for Brazil)."""
    if campaign.region_kind == RegionKind.BR_STATE:
        return "pt-br" if _has_translation(campaign, "pt-br") else campaign.primary_language
    for language in MEMBER_STATE_LANGUAGES.get(place, ()):
        if _has_translation(campaign, language):
            return language
    return campaign.primary_language


def _has_translation(campaign, language: str) -> bool:
    return any(t.language == language for t in campaign.translations.all())


def _places_sql(petition: Petition) -> tuple[str, list]:
    rule = quorum_rule(petition.campaign.slug)
    if petition.campaign.region_kind == RegionKind.BR_STATE:
        places = tuple(rule["places"]) if rule else tuple(BRAZILIAN_STATES)
        key = "CASE WHEN country = 'BR' AND region IN %s THEN region ELSE %s END"
    else:
        places = tuple(rule["places"]) if rule else tuple(MEMBER_STATE_LANGUAGES)
        key = "CASE WHEN country IN %s THEN country ELSE %s END"
    sql = f"""
        SELECT place, name, region, country, day FROM (
            SELECT {key} AS place, name, region, country, confirmed_at, id,
                   to_char(confirmed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day
            FROM petitions_signature
            WHERE petition_id = %s AND status = 'confirmed'
        ) AS listed
        ORDER BY place = %s, place, confirmed_at, id
    """
    return sql, [places, OTHER, petition.pk, OTHER]


def build_package(*, package_id: int) -> DeliveryPackage | None:
    """Build a pending package's ZIP; None when another worker claimed it or it is gone.

    Claims the row with a conditional UPDATE (pending → building), writes the ZIP to a
    temporary name and renames it when complete. Side effects: a file under
    ``VAR_DIR/deliveries``, UPDATEs of the row's progress and status.
    """
    claimed = DeliveryPackage.objects.filter(pk=package_id, status=DeliveryStatus.PENDING).update(
        status=DeliveryStatus.BUILDING, progress=0
    )
    if not claimed:
        return None
    package = (
        DeliveryPackage.objects.select_related("petition__campaign")
        .prefetch_related("petition__campaign__translations")
        .get(pk=package_id)
    )
    petition = package.petition
    directory = deliveries_dir()
    directory.mkdir(parents=True, exist_ok=True)
    name = f"{petition.slug}-delivery-{package.pk}-{timezone.now():%Y%m%d-%H%M%S}.zip"
    partial = directory / (name + ".part")
    try:
        counts = petition_counts(petition_id=petition.pk)

        def progress(done: int) -> None:
            percent = min(99, done * 100 // max(counts.total, 1))
            DeliveryPackage.objects.filter(pk=package_id).update(progress=percent)

        written = write_package(petition=petition, counts=counts, path=partial, progress=progress)
        os.replace(partial, directory / name)
    except Exception as error:
        partial.unlink(missing_ok=True)
        DeliveryPackage.objects.filter(pk=package_id).update(
            status=DeliveryStatus.FAILED, error=repr(error)[:2000], finished_at=timezone.now()
        )
        logger.exception("Delivery package %s failed", package_id)
        raise
    DeliveryPackage.objects.filter(pk=package_id).update(
        status=DeliveryStatus.READY,
        progress=100,
        file_path=name,
        signatures=written,
        finished_at=timezone.now(),
    )
    package.refresh_from_db()
    return package


def write_package(
    *, petition: Petition, counts: PetitionCounts, path: Path, progress: Callable[[int], None]
) -> int:
    """Write the ZIP to ``path``; returns the number of signers listed."""
    campaign = petition.campaign
    quorum = quorum_summary(petition=petition, counts=counts)
    lines = {line.place: line for line in quorum.lines} if quorum else {}
    sql, params = _places_sql(petition)
    done = 0
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        summary = (
            RegionSummary if campaign.region_kind == RegionKind.BR_STATE else CountrySummary
        )(petition=petition, counts=counts)
        with translation.override(campaign.primary_language):  # not whatever was active
            zf.writestr("summary.csv", b"".join(summary.csv_chunks()))
        rows = stream_rows(sql, params)
        for place, group in itertools.groupby(rows, key=lambda row: row[0]):
            language = place_language(campaign=campaign, place=place)
            with translation.override("en"):  # stable file names, e.g. DE-germany.pdf
                stem = f"{place}-{slugify(place_name(place))}" if place != OTHER else OTHER
            with translation.override(language):
                pdf = _place_pdf(
                    petition=petition,
                    counts=counts,
                    quorum=quorum,
                    place=place,
                    language=language,
                    line=lines.get(place),
                )
                header = SignerList(petition=petition).header()
                with zf.open(f"{stem}.csv", "w") as raw:
                    text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
                    text.write(UTF8_BOM)
                    writer = csv.writer(text)
                    writer.writerow(header)

                    def counted() -> None:
                        nonlocal done
                        done += 1
                        if done % PROGRESS_EVERY == 0:
                            progress(done)

                    rows_out = _listed(group, names=country_names(), writer=writer, counted=counted)
                    if place == OTHER:
                        pdf.table(header, rows_out, SignerList.pdf_widths)
                    else:  # the place is in the heading: name and date are what varies
                        pdf.table(
                            [header[0], header[3]],
                            ((row[0], row[3]) for row in rows_out),
                            (5, 1.2),
                        )
                    text.flush()
                    text.detach()
                zf.writestr(f"{stem}.pdf", bytes(pdf.output()))
            progress(done)
    return done


def _listed(
    rows: Iterator[tuple], *, names: dict[str, str], writer, counted: Callable[[], None]
) -> Iterator[tuple]:
    """The signer rows of one place for its PDF, writing each to the place's CSV on the way."""
    for _place, name, region, country, day in rows:
        row = (name, BRAZILIAN_STATES.get(region, region), names.get(country, country), day)
        writer.writerow([neutralise(cell) for cell in row])
        counted()
        yield row


def _place_pdf(*, petition, counts, quorum: QuorumSummary | None, place, language, line):
    """A PDF opening with the petition text in ``language``, then totals and the quorum line."""
    content = campaign_translation(petition.campaign, language)
    where = place_name(place) if place != OTHER else _("other countries and regions")
    pdf = new_pdf(title=f"{petition.campaign.hashtag} · {where}")
    pdf.add_page()
    pdf.heading(content.title)
    for paragraph in content.petition_paragraphs:
        pdf.paragraph(paragraph)
    pdf.paragraph(_("Addressed to: %(addressee)s") % {"addressee": content.addressee}, size=9)
    pdf.ln(2)
    pdf.heading(_("Signatures: %(place)s") % {"place": where}, size=12)
    by_place = (
        counts.by_region
        if petition.campaign.region_kind == RegionKind.BR_STATE
        else counts.by_country
    )
    placed = by_place.get(place) if place != OTHER else None
    if placed is not None:
        pdf.paragraph(
            _("Confirmed signatures from %(place)s: %(n)s") % {"place": where, "n": f"{placed:,}"}
        )
    pdf.paragraph(
        _("Confirmed signatures in total: %(n)s (as of %(date)s)")
        % {
            "n": f"{counts.total:,}",
            "date": f"{counts.updated_at or timezone.now():%Y-%m-%d %H:%M} UTC",
        }
    )
    if line is not None and quorum is not None:
        pdf.paragraph(
            _(
                "Indicative quorum for %(place)s: %(threshold)s signatures; %(n)s collected, "
                "%(state)s. Across all places: %(reached)s of %(needed)s needed places past "
                "their minimum; %(total)s of %(total_threshold)s."
            )
            % {
                "place": where,
                "threshold": f"{line.threshold:,}",
                "n": f"{line.signatures:,}",
                "state": _("reached") if line.reached else _("not reached"),
                "reached": quorum.places_reached,
                "needed": quorum.places_needed,
                "total": f"{quorum.total:,}",
                "total_threshold": f"{quorum.total_threshold:,}",
            }
        )
        pdf.paragraph(
            _(
                "Indicative only: an online petition is neither a European Citizens' Initiative "
                "statement of support nor a formal popular-initiative signature. Source: "
                "%(source)s (as of %(as_of)s)."
            )
            % {"source": quorum.source, "as_of": quorum.as_of},
            size=8,
        )
    pdf.heading(_("Signers"), size=12)
    return pdf


def delete_expired_packages() -> int:
    """Delete the files of packages past their expiry and mark them expired; returns how many.

    Side effects: files removed from ``VAR_DIR/deliveries``, UPDATE of the rows.
    """
    now = timezone.now()
    expired = DeliveryPackage.objects.filter(expires_at__lte=now).exclude(
        status=DeliveryStatus.EXPIRED
    )
    n = 0
    for package in expired.only("pk", "file_path"):
        if package.file_path:
            (deliveries_dir() / package.file_path).unlink(missing_ok=True)
        n += DeliveryPackage.objects.filter(pk=package.pk).update(
            status=DeliveryStatus.EXPIRED, file_path=""
        )
    return n
