"""Delivery packages for legislators: one ZIP with cover letters and signer lists per place.

Per member state (EU campaign) or Brazilian state (BR campaign) with signers, a PDF in each
official language of the place that the site offers (CLDR territory data through Babel: Belgium
gets nl, fr and de; Brazilian states pt-br), and that place's signer list as CSV. Each PDF is a
cover letter (the petition text from the campaign's translation in that language, falling back
to the primary language as the site does; who is behind the petition; the totals for the place
and overall; the collection period; how signatures were verified; whom to contact) followed by
the place's signers sorted by name (Unicode collation; never email addresses).

The overall addressee gets ``summary-<lang>.pdf`` (the letter with the totals per place) and
``summary.csv``; signers from elsewhere go to ``other-<lang>.pdf`` / ``other.csv``. Indicative
quorums are for organizers' dashboards: nothing in a package says a threshold was or was not
reached. The collection period is that of the first and the last confirmed signature: facts
in the data, unlike a campaign's set-up date or a deadline that may not exist.

Numbers and dates go through ``campaign.core.l10n`` (CLDR) in the document's language. Built in the
background by a task with progress updates, or by ``manage.py build_delivery_package``: both
call ``write_package``. Kept ``settings.DELIVERY_PACKAGE_DAYS`` days under
``VAR_DIR/deliveries``, then deleted.
"""

from __future__ import annotations

import csv
import datetime
import io
import itertools
import logging
import os
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from babel.languages import get_official_languages
from django.conf import settings
from django.db.models import Max, Min
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from campaign.campaigns.content import campaign_translation, offered_languages
from campaign.campaigns.models import RegionKind
from campaign.core.country_names import country_name
from campaign.core.l10n import collator, format_date, format_number
from campaign.core.private_files import open_private, private_dir
from campaign.core.subdivisions import subdivision_codes
from petitions.models import (
    DeliveryPackage,
    DeliveryStatus,
    Petition,
    Signature,
    counted_sql,
)
from petitions.regions import region_name
from petitions.reporting.counting import PetitionCounts, petition_counts
from petitions.reporting.exports.base import UTF8_BOM, neutralise, new_pdf
from petitions.reporting.exports.exporters import SignerList, stream_rows
from petitions.reporting.quorums import place_name, quorum_rule

logger = logging.getLogger(__name__)

OTHER = "other"
ALL = "all"  # every signer, for a campaign that asks for no place
SUMMARY = "summary"
PROGRESS_EVERY = 5000

# Used when the quorum data names no places for the campaign.
EU_MEMBER_STATES = (
    "AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK".split()
)


def deliveries_dir() -> Path:
    return Path(settings.VAR_DIR) / "deliveries"


def private_deliveries_dir() -> Path:
    """``VAR_DIR/deliveries``, created (or tightened to) 0700 with VAR_DIR itself."""
    return private_dir(deliveries_dir(), root=Path(settings.VAR_DIR))


def site_language(code: str) -> str | None:
    """A site language code for ``code`` in any common spelling (``pt_BR``, ``PT-br``), or None."""
    code = code.strip().replace("_", "-").lower()
    return code if code in dict(settings.LANGUAGES) else None


def place_languages(*, campaign, place: str) -> tuple[str, ...]:
    """The languages a place's letters are written in: each official language of the member
    state or of a region's country (CLDR, in its order) that the campaign publishes, pt-br for
    a Brazilian state; else the campaign's primary language."""
    if campaign.region_kind == RegionKind.NONE or place == ALL:
        return (campaign.primary_language,)
    if place.startswith("BR-"):
        return ("pt-br",)
    published = set(offered_languages(campaign))
    country = place.partition("-")[0]
    official = tuple(code for code in get_official_languages(country) if code in published)
    return official or (campaign.primary_language,)


def local_place_name(place: str, language: str) -> str:
    """A place's name in ``language``: a region's (campaign/core/subdivisions.py), else the
    country's name as the site writes it (campaign/core/country_names.py)."""
    if "-" in place:
        return region_name(place, language)
    return country_name(place, language)


@dataclass(frozen=True)
class Facts:
    """What every letter of a package states, gathered once."""

    counts: PetitionCounts
    as_of: datetime.datetime
    first: datetime.datetime | None
    last: datetime.datetime | None
    partners: tuple[str, ...]
    regions: bool  # places are regions of one country, not countries
    asks_place: bool = True  # False when signers give no place (region kind "none")

    @property
    def by_place(self) -> dict[str, int]:
        return self.counts.by_region if self.regions else self.counts.by_country


def package_facts(*, petition: Petition, counts: PetitionCounts) -> Facts:
    period = (
        Signature.objects.counted()
        .filter(petition=petition)
        .aggregate(first=Min("confirmed_at"), last=Max("confirmed_at"))
    )
    partners = petition.campaign.partners.filter(is_listed=True).order_by("position", "name")
    return Facts(
        counts=counts,
        as_of=counts.updated_at or timezone.now(),
        first=period["first"],
        last=period["last"],
        partners=tuple(partners.values_list("name", flat=True)),
        regions=petition.campaign.region_kind == RegionKind.SUBDIVISION,
        asks_place=petition.campaign.region_kind != RegionKind.NONE,
    )


def _places(petition: Petition) -> tuple[str, ...]:
    rule = quorum_rule(petition.campaign.slug)
    if rule:
        return tuple(rule["places"])
    if petition.campaign.region_kind == RegionKind.SUBDIVISION:
        return tuple(sorted(subdivision_codes(petition.campaign.region_country)))
    return EU_MEMBER_STATES


def _places_sql(petition: Petition) -> tuple[str, list]:
    campaign = petition.campaign
    if campaign.region_kind == RegionKind.NONE:
        key, key_params = "%s::text", [ALL]
    elif campaign.region_kind == RegionKind.SUBDIVISION:
        key = "CASE WHEN country = %s AND region IN %s THEN region ELSE %s END"
        key_params = [campaign.region_country, _places(petition), OTHER]
    else:
        key = "CASE WHEN country IN %s THEN country ELSE %s END"
        key_params = [_places(petition), OTHER]
    sql = f"""
        SELECT place, name, region, country, day FROM (
            SELECT {key} AS place, name, region, country,
                   (confirmed_at AT TIME ZONE 'UTC')::date AS day
            FROM petitions_signature
            WHERE petition_id = %s AND {counted_sql()}
        ) AS listed
        ORDER BY place = %s, place
    """
    return sql, [*key_params, petition.pk, OTHER]


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
    package = DeliveryPackage.objects.select_related("petition__campaign").get(pk=package_id)
    petition = package.petition
    directory = private_deliveries_dir()
    name = f"{petition.slug}-delivery-{package.pk}-{timezone.now():%Y%m%d-%H%M%S}.zip"
    partial = directory / (name + ".part")
    try:
        counts = petition_counts(petition_id=petition.pk)

        def progress(done: int) -> None:
            percent = min(99, done * 100 // max(counts.total, 1))
            DeliveryPackage.objects.filter(pk=package_id).update(progress=percent)

        written = write_package(petition=petition, path=partial, counts=counts, progress=progress)
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
    *,
    petition: Petition,
    path: Path,
    counts: PetitionCounts | None = None,
    language: str | None = None,
    progress: Callable[[int], None] = lambda done: None,
) -> int:
    """Write the delivery ZIP to ``path``; returns the number of signers listed.

    ``language`` is that of the documents for the overall addressee (the summary, and the
    letter for signers from elsewhere); the campaign's primary language when None. The
    organizer area's task and ``manage.py build_delivery_package`` both build through here.
    """
    campaign = (
        type(petition.campaign)
        .objects.prefetch_related("translations")
        .get(pk=petition.campaign_id)
    )
    petition.campaign = campaign
    overall = language or campaign.primary_language
    counts = counts or petition_counts(petition_id=petition.pk)
    facts = package_facts(petition=petition, counts=counts)
    sort_key = collator().sort_key
    sql, params = _places_sql(petition)
    done = 0
    # The ZIP lists signers by name: private (0600) from its first byte, wherever it is written.
    with (
        open_private(path) as stream,
        zipfile.ZipFile(stream, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf,
    ):
        with translation.override(overall):
            zf.writestr("summary.csv", _summary_csv(petition=petition, facts=facts))
            zf.writestr(
                f"{SUMMARY}-{overall}.pdf",
                _letter(petition=petition, facts=facts, place=SUMMARY, language=overall),
            )
        for place, group in itertools.groupby(stream_rows(sql, params), key=lambda row: row[0]):
            # Root-collation order ("Émile" before "Zoë", "Łukasz" among the L's), then by
            # code point and day so that equal keys keep a stable order.
            signers = sorted(
                ((name, region, country, day) for _place, name, region, country, day in group),
                key=lambda row: (sort_key(row[0]), row[0], row[3]),
            )
            languages = (
                (overall,)
                if place in (OTHER, ALL)
                else place_languages(campaign=campaign, place=place)
            )
            with translation.override("en"):  # stable file names, e.g. DE-germany-de.pdf
                stem = (
                    f"{place}-{slugify(place_name(place))}" if place not in (OTHER, ALL) else place
                )
            with translation.override(languages[0]):
                zf.writestr(f"{stem}.csv", _signers_csv(signers, languages[0]))
            for code in languages:
                with translation.override(code):
                    zf.writestr(
                        f"{stem}-{code}.pdf",
                        _letter(
                            petition=petition,
                            facts=facts,
                            place=place,
                            language=code,
                            signers=signers,
                        ),
                    )
            before = done
            done += len(signers)
            if done // PROGRESS_EVERY != before // PROGRESS_EVERY or place == OTHER:
                progress(done)
    return done


def _summary_csv(*, petition: Petition, facts: Facts) -> bytes:
    """Confirmed signatures per place, most first, then those of no place and the total."""
    buffer = io.StringIO()
    buffer.write(UTF8_BOM)
    writer = csv.writer(buffer)
    place_column = _("Region") if facts.regions else _("Country")
    writer.writerow([_("Code"), place_column, _("Signatures")])
    by_place = facts.by_place
    for code, n in sorted(by_place.items(), key=lambda item: (-item[1], item[0])):
        writer.writerow([code, neutralise(place_name(code)), n])
    unplaced = facts.counts.total - sum(by_place.values())
    if unplaced and facts.asks_place:
        writer.writerow(["", _("(no region given)"), unplaced])
    writer.writerow(["", _("Total"), facts.counts.total])
    return buffer.getvalue().encode("utf-8")


def signer_header() -> list[str]:
    return [_("Name"), _("Region"), _("Country"), _("Date confirmed")]


def _signers_csv(signers: Sequence[tuple], language: str) -> bytes:
    """The signer list as CSV for machines: names as given, ISO dates, header translated."""
    buffer = io.StringIO()
    buffer.write(UTF8_BOM)
    writer = csv.writer(buffer)
    writer.writerow(signer_header())
    for name, region, country, day in signers:
        row = (
            name,
            region_name(region, language),
            local_place_name(country, language) if country else "",
            day.isoformat(),
        )
        writer.writerow([neutralise(cell) for cell in row])
    return buffer.getvalue().encode("utf-8")


def _letter(
    *,
    petition: Petition,
    facts: Facts,
    place: str,
    language: str,
    signers: Sequence[tuple] = (),
) -> bytes:
    """A cover letter in ``language`` (active) for ``place``, then that place's signers.

    ``place`` is a member state or Brazilian state, ``OTHER`` (signers from elsewhere) or
    ``SUMMARY`` (the overall addressee: totals per place, no names).
    """
    campaign = petition.campaign
    content = campaign_translation(campaign, language)
    if place in (SUMMARY, ALL):
        where = ""
    elif place == OTHER:
        where = _("other countries and regions")
    else:
        where = local_place_name(place, language)
    n = lambda value: format_number(value, language)  # noqa: E731 -- local shorthand
    day = lambda value: format_date(value, language)  # noqa: E731 -- local shorthand

    pdf = new_pdf(title=f"{campaign.hashtag} · {where}" if where else campaign.hashtag)
    pdf.add_page()
    pdf.set_text_color(90, 90, 90)
    _paragraph(pdf, f"{campaign.hashtag}" + (f" · {where}" if where else ""), size=9)
    _paragraph(pdf, _("Addressed to: %(addressee)s") % {"addressee": content.addressee}, size=9)
    pdf.set_text_color(0, 0, 0)
    pdf.ln(2)
    _heading(pdf, content.title, size=15)
    for paragraph in content.petition_paragraphs:
        _paragraph(pdf, paragraph, size=10.5)
    pdf.ln(3)

    _heading(pdf, _("Signatures"), size=12)
    if place == OTHER:
        _paragraph(
            pdf,
            _("Confirmed signatures from %(place)s: %(n)s")
            % {"place": where, "n": n(len(signers))},
        )
    elif place not in (SUMMARY, ALL):
        _paragraph(
            pdf,
            _("Confirmed signatures from %(place)s: %(n)s")
            % {"place": where, "n": n(facts.by_place.get(place, 0))},
        )
    _paragraph(
        pdf,
        _("Confirmed signatures in total: %(n)s (as of %(date)s)")
        % {"n": n(facts.counts.total), "date": day(facts.as_of)},
    )
    if facts.first and facts.last:
        _paragraph(
            pdf,
            _(
                "Collection period: from %(first)s to %(last)s (the dates of the first and the "
                "last confirmed signature)."
            )
            % {"first": day(facts.first), "last": day(facts.last)},
        )
    if place == SUMMARY and facts.asks_place:
        _totals_table(pdf, facts=facts, language=language)
        _paragraph(
            pdf,
            _(
                "The signers' names are listed in the other documents of this package, one per place."
            ),
        )
    elif place == SUMMARY:
        _paragraph(pdf, _("The signers' names are listed in the other document of this package."))
    pdf.ln(2)

    _heading(pdf, _("Who is behind this petition"), size=12)
    if content.coalition_intro:
        _paragraph(pdf, content.coalition_intro)
    if facts.partners:
        _paragraph(
            pdf,
            _("Organisations in the coalition: %(names)s") % {"names": ", ".join(facts.partners)},
        )
    pdf.ln(2)

    _heading(pdf, _("How signatures were verified"), size=12)
    if not facts.asks_place:
        _paragraph(
            pdf,
            _(
                "Every signer gave a name and an email address, then confirmed the signature "
                "through a link sent to that address (double opt-in). Only confirmed signatures "
                "are counted and listed, and each email address can sign only once. This shows "
                "that each signature was confirmed by someone with access to that mailbox; it "
                "does not prove the signer's identity. To protect the signers, no email "
                "addresses are listed."
            ),
        )
    else:
        _paragraph(
            pdf,
            _(
                "Every signer gave a name, an email address and a country or region, then confirmed "
                "the signature through a link sent to that address (double opt-in). Only confirmed "
                "signatures are counted and listed, and each email address can sign only once. This "
                "shows that each signature was confirmed by someone with access to that mailbox; it "
                "does not prove the signer's identity, nationality or place of residence, which are "
                "as the signer stated them. To protect the signers, no email addresses are listed."
            ),
        )
    pdf.ln(2)
    _heading(pdf, _("Contact"), size=12)
    _paragraph(
        pdf,
        _("Questions about this petition or these figures: %(email)s")
        % {"email": settings.CONTACT_EMAIL},
    )

    if place != SUMMARY:
        pdf.add_page()
        if place == ALL:
            heading = _("Signers (%(n)s), sorted by name") % {"n": n(len(signers))}
        else:
            heading = _("Signers: %(place)s (%(n)s), sorted by name") % {
                "place": where,
                "n": n(len(signers)),
            }
        _heading(pdf, heading, size=12)
        name, region, country, confirmed = signer_header()
        if place == OTHER:
            pdf.table(
                [name, region, country, confirmed],
                (
                    (
                        signer,
                        region_name(code, language),
                        local_place_name(nation, language) if nation else "",
                        day_short,
                    )
                    for signer, code, nation, day_short in _with_dates(signers, language)
                ),
                SignerList.pdf_widths,
            )
        else:  # the place is in the heading: name and date are what varies
            pdf.table(
                [name, confirmed],
                ((signer, when) for signer, _r, _c, when in _with_dates(signers, language)),
                (5, 1.4),
            )
    return bytes(pdf.output())


def _paragraph(pdf, text: str, size: float = 10) -> None:
    """Ragged right: justified lines leave wide gaps in narrow columns of long words."""
    pdf.set_font("DejaVu", "", size)
    pdf.multi_cell(0, size * 0.46, text, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(size * 0.18)


def _heading(pdf, text: str, size: float = 12) -> None:
    if pdf.will_page_break(25):  # keep a heading with the lines it introduces
        pdf.add_page()
    pdf.set_font("DejaVu", "B", size)
    pdf.multi_cell(0, size * 0.5, text, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)


def _with_dates(signers: Iterable[tuple], language: str) -> Iterable[tuple]:
    """Signer rows with their day in the language's medium CLDR date format (one call a day)."""
    dates: dict[datetime.date, str] = {}
    for name, region, country, day in signers:
        if day not in dates:
            dates[day] = format_date(day, language, form="medium")
        yield name, region, country, dates[day]


def _totals_table(pdf, *, facts: Facts, language: str) -> None:
    """Confirmed signatures per place, most first, numbers right-aligned."""
    rows = sorted(
        ((local_place_name(code, language), count) for code, count in facts.by_place.items()),
        key=lambda item: (-item[1], collator().sort_key(item[0])),
    )
    unplaced = facts.counts.total - sum(facts.by_place.values())
    if unplaced:
        rows.append((_("(no region given)"), unplaced))
    header = [_("Region") if facts.regions else _("Country"), _("Signatures")]
    width = min(pdf.epw, 120)
    pdf.ln(1)
    pdf.set_font("DejaVu", "B", 9)
    pdf.cell(width * 0.7, 6, header[0], border="B")
    pdf.cell(width * 0.3, 6, header[1], border="B", align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 9)
    for label, count in rows:
        pdf.cell(width * 0.7, 5.2, label)
        text = format_number(count, language)
        pdf.cell(width * 0.3, 5.2, text, align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "B", 9)
    pdf.cell(width * 0.7, 6, _("Total"), border="T")
    total = format_number(facts.counts.total, language)
    pdf.cell(width * 0.3, 6, total, border="T", align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)


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
