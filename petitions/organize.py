"""The organizer area's petition views: dashboard, signers, exports, delivery packages, audit.

Roles are checked on the server by ``require_role``; personal data (names, emails) is shown or
exported only to organizers and owners, every such access is audited, and exporting it needs a
TOTP check within EXPORT_MFA_MAX_AGE seconds.
"""

from __future__ import annotations

import datetime
import os

from allauth.account.internal.flows.reauthentication import suspend_request
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.db.models.functions import TruncDate
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe
from django_countries import countries

from campaign.access import has_recent_mfa, recent_mfa_required, require_role, role_satisfies
from campaign.models import RegionKind, Role
from campaign.organize import campaign_title, private_view, tabs
from petitions import charts, delivery, exports, quorums
from petitions.audit import record_audit
from petitions.counting import petition_counts
from petitions.models import AuditEvent, DeliveryPackage, Signature
from petitions.regions import BRAZILIAN_STATES, region_name

RECENT_SIGNERS = 50


def page_context(request: HttpRequest, tab: str) -> dict:
    campaign = request.campaign
    return {
        "campaign": campaign,
        "petition": campaign.petition,
        "title": campaign_title(campaign),
        "role": request.campaign_role,
        "tabs": tabs(campaign, request.campaign_role, tab),
    }


def place_rows(campaign, counts) -> tuple[list[dict], dict]:
    """Signatures per place for the table, and the map's values keyed like its tiles."""
    if campaign.region_kind == RegionKind.BR_STATE:
        values = dict(counts.by_region)
        rows = [
            {"code": code, "name": region_name(code), "count": n}
            for code, n in sorted(values.items(), key=lambda item: (-item[1], item[0]))
        ]
        return rows, {"values": values, "tiles": charts.BR_TILES, "names": BRAZILIAN_STATES}
    values = dict(counts.by_country)
    rows = [
        {"code": code, "name": countries.name(code) or code, "count": n}
        for code, n in sorted(values.items(), key=lambda item: (-item[1], item[0]))
    ]
    names = {code: countries.name(code) for code in charts.EU_TILES}
    return rows, {"values": values, "tiles": charts.EU_TILES, "names": names}


def source_rows(petition) -> list[dict]:
    rows = (
        Signature.objects.counted()
        .filter(petition=petition)
        .values("partner__name", "source")
        .annotate(n=Count("id"))
        .order_by("-n", "partner__name", "source")
    )
    return [
        {"partner": r["partner__name"] or "", "source": r["source"], "count": r["n"]} for r in rows
    ]


def per_day(petition) -> dict[datetime.date, int]:
    rows = (
        Signature.objects.counted()
        .filter(petition=petition)
        .annotate(day=TruncDate("confirmed_at", tzinfo=datetime.UTC))
        .values("day")
        .annotate(n=Count("id"))
    )
    return {r["day"]: r["n"] for r in rows}


@private_view
@require_safe
@require_role(Role.VIEWER)
def dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    """Counts only: no names or addresses, so every role may see it."""
    campaign = request.campaign
    petition = campaign.petition
    counts = petition_counts(petition_id=petition.pk)
    all_signatures = Signature.objects.filter(petition=petition).count()
    places, map_data = place_rows(campaign, counts)
    series = charts.daily_series(per_day(petition), until=timezone.now().date())
    context = page_context(request, "dashboard")
    context.update(
        {
            "counts": counts,
            "all_signatures": all_signatures,
            "confirmation_rate": (
                round(100 * counts.total / all_signatures, 1) if all_signatures else None
            ),
            "progress": min(100, round(100 * counts.total / petition.goal)),
            "places": places,
            "place_heading": (
                _("Brazilian state")
                if campaign.region_kind == RegionKind.BR_STATE
                else _("Country")
            ),
            "places_title": (
                _("By Brazilian state")
                if campaign.region_kind == RegionKind.BR_STATE
                else _("By country")
            ),
            "map_svg": charts.tile_map_svg(
                **map_data, label=_("Map of confirmed signatures by place")
            ),
            "series": series,
            "chart_svg": charts.bar_chart_svg(
                series=series, label=_("Confirmed signatures per day")
            ),
            "sources": source_rows(petition),
            "quorum": quorums.quorum_summary(petition=petition, counts=counts),
        }
    )
    return render(request, "organize/dashboard.html", context)


@private_view
@require_safe
@require_role(Role.ORGANIZER)
def signers(request: HttpRequest, slug: str) -> HttpResponse:
    """The latest counted signers (personal data: audited)."""
    petition = request.campaign.petition
    rows = list(
        Signature.objects.counted()
        .filter(petition=petition)
        .select_related("partner")
        .order_by("-confirmed_at", "-pk")[:RECENT_SIGNERS]
    )
    record_audit(user=request.user, action="view_signers", petition=petition, rows=len(rows))
    context = page_context(request, "signers")
    context.update({"signatures": rows, "limit": RECENT_SIGNERS})
    return render(request, "organize/signers.html", context)


def exporter_entries(campaign, role: str) -> list[dict]:
    entries = []
    for identifier, exporter in exports.EXPORTERS.items():
        if not role_satisfies(role, exporter.required_role):
            continue
        entries.append(
            {
                "name": exporter.name,
                "personal_data": exporter.personal_data,
                "links": [
                    {
                        "fmt": fmt,
                        "url": reverse(
                            "organize:export_download",
                            kwargs={"slug": campaign.slug, "identifier": identifier, "fmt": fmt},
                        ),
                    }
                    for fmt in exporter.formats
                ],
            }
        )
    return entries


@private_view
@require_safe
@require_role(Role.VIEWER)
def exports_page(request: HttpRequest, slug: str) -> HttpResponse:
    context = page_context(request, "exports")
    context["exporters"] = exporter_entries(request.campaign, request.campaign_role)
    context["mfa_minutes"] = settings.EXPORT_MFA_MAX_AGE // 60
    return render(request, "organize/exports.html", context)


def expected_rows(petition, identifier: str) -> int:
    """Rows a personal-data export will hold, for the audit log (streams are not re-read)."""
    counted = Signature.objects.counted().filter(petition=petition)
    if identifier == "contacts":
        return counted.filter(updates_opt_in=True).count()
    return counted.count()


@private_view
@require_safe
@require_role(Role.VIEWER)
def export_download(request: HttpRequest, slug: str, identifier: str, fmt: str) -> HttpResponse:
    exporter = exports.EXPORTERS.get(identifier)
    if exporter is None or fmt not in exporter.formats:
        raise Http404
    if not role_satisfies(request.campaign_role, exporter.required_role):
        raise PermissionDenied
    if exporter.personal_data and not has_recent_mfa(request):
        return suspend_request(request, reverse("mfa_reauthenticate"))
    petition = request.campaign.petition
    record_audit(
        user=request.user,
        action="export",
        petition=petition,
        rows=expected_rows(petition, identifier) if exporter.personal_data else 0,
        detail=f"{identifier}.{fmt}",
    )
    return exports.export_response(petition=petition, identifier=identifier, fmt=fmt)


def package_rows(petition) -> list[DeliveryPackage]:
    return list(DeliveryPackage.objects.filter(petition=petition).order_by("-created_at")[:20])


def package_file(package: DeliveryPackage) -> str:
    """The built ZIP's path on disk ('' while there is none)."""
    return str(delivery.deliveries_dir() / package.file_path) if package.file_path else ""


@private_view
@require_http_methods(["GET", "HEAD", "POST"])
@require_role(Role.ORGANIZER)
def packages(request: HttpRequest, slug: str) -> HttpResponse:
    """List delivery packages (refreshing while one is built); POST requests a new one."""
    petition = request.campaign.petition
    if request.method == "POST":
        package = delivery.request_delivery_package(petition=petition, requested_by=request.user)
        record_audit(
            user=request.user,
            action="delivery_request",
            petition=petition,
            rows=expected_rows(petition, "signers"),
            detail=f"package {package.pk}",
        )
        return redirect("organize:packages", slug=slug)
    rows = package_rows(petition)
    context = page_context(request, "packages")
    context.update(
        {
            "packages": rows,
            "building": any(p.status in ("pending", "building") for p in rows),
            "status_url": reverse("organize:package_status", kwargs={"slug": slug}),
        }
    )
    return render(request, "organize/packages.html", context)


@private_view
@require_safe
@require_role(Role.ORGANIZER)
def package_status(request: HttpRequest, slug: str) -> HttpResponse:
    """The packages' progress as JSON, for anything that wants to poll instead of refreshing."""
    rows = package_rows(request.campaign.petition)
    return JsonResponse(
        {"packages": [{"id": p.pk, "status": p.status, "progress": p.progress} for p in rows]}
    )


@private_view
@require_safe
@require_role(Role.ORGANIZER)
@recent_mfa_required
def package_download(request: HttpRequest, slug: str, package_id: int) -> HttpResponse:
    petition = request.campaign.petition
    package = get_object_or_404(DeliveryPackage, pk=package_id, petition=petition)
    path = package_file(package)
    if package.status != "ready" or not path or not os.path.exists(path):
        raise Http404
    record_audit(
        user=request.user,
        action="delivery_download",
        petition=petition,
        rows=expected_rows(petition, "signers"),
        detail=f"package {package.pk}",
    )
    return FileResponse(
        open(path, "rb"),  # noqa: SIM115 (FileResponse closes it)
        as_attachment=True,
        filename=os.path.basename(path),
        content_type="application/zip",
    )


@private_view
@require_safe
@require_role(Role.OWNER)
def audit_log(request: HttpRequest, slug: str) -> HttpResponse:
    petition = request.campaign.petition
    events = AuditEvent.objects.filter(petition=petition).order_by("-created_at", "-pk")
    page = Paginator(events, 100).get_page(request.GET.get("page"))
    context = page_context(request, "audit")
    context["page"] = page
    return render(request, "organize/audit.html", context)
