"""The organizer area's petition views: dashboard, signers, exports, delivery packages, audit.

Roles are checked on the server by ``require_role``; personal data (names, emails) is shown or
exported only to organizers and owners, every such access is audited, and exporting it needs a
TOTP check within EXPORT_MFA_MAX_AGE seconds.
"""

from __future__ import annotations

import os
from functools import wraps

from allauth.account.internal.flows.reauthentication import suspend_request
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe
from django_countries import countries

from campaign.campaigns.access import role_satisfies
from campaign.campaigns.models import Role
from campaign.core.subdivisions import subdivision_names
from campaign.organize.campaigns import campaign_title, has_petition, owner_tabs, private_view, tabs
from campaign.web.access import has_recent_mfa, recent_mfa_required, require_role
from petitions.models import AuditEvent, DeliveryPackage, Signature
from petitions.reporting import charts, delivery, exports
from petitions.reporting.access_log import record_audit
from petitions.reporting.dashboard import dashboard_figures
from petitions.reporting.package_requests import request_delivery_package

RECENT_SIGNERS = 50


def with_petition(view):
    """A draft without a petition has no figures yet: its pages lead to the workspace."""

    @wraps(view)
    def wrapper(request: HttpRequest, slug: str, *args, **kwargs) -> HttpResponse:
        if not has_petition(request.campaign):
            return redirect("organize:setup", slug=slug)
        return view(request, slug, *args, **kwargs)

    return wrapper


def page_context(request: HttpRequest, tab: str) -> dict:
    campaign = request.campaign
    return {
        "campaign": campaign,
        "petition": campaign.petition,
        "title": campaign_title(campaign),
        "role": request.campaign_role,
        "tabs": tabs(campaign, request.campaign_role, tab),
        "owner_tabs": owner_tabs(campaign, request.campaign_role, tab),
    }


@private_view
@require_safe
@require_role(Role.VIEWER)
@with_petition
def dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    """Counts only: no names or addresses, so every role may see it."""
    campaign = request.campaign
    figures = dashboard_figures(petition=campaign.petition)
    country = campaign.subdivision_country
    if country == "BR":
        place_heading, places_title = _("Brazilian state"), _("By Brazilian state")
    elif country:
        place_heading, places_title = _("Region"), _("By region")
    else:
        place_heading, places_title = _("Country"), _("By country")
    map_label = _("Map of confirmed signatures by place")
    if figures.place_chart == "tiles" and country:
        map_svg = charts.tile_map_svg(
            values=figures.by_place,
            tiles=charts.SUBDIVISION_TILES[country],
            names=subdivision_names(country),
            label=map_label,
        )
    elif figures.place_chart == "tiles":
        map_svg = charts.tile_map_svg(
            values=figures.by_place,
            tiles=charts.EU_TILES,
            names={code: countries.name(code) for code in charts.EU_TILES},
            label=map_label,
        )
    elif figures.place_chart == "bars" and figures.places:
        map_svg = charts.ranked_bars_svg(
            rows=[(row["name"], row["count"]) for row in figures.places],
            label=_("Confirmed signatures by place, the most first"),
        )
    else:
        map_svg = ""
    context = page_context(request, "dashboard")
    context.update(
        {
            "counts": figures.counts,
            "all_signatures": figures.all_signatures,
            "confirmation_rate": figures.confirmation_rate,
            "progress": figures.progress,
            "places": figures.places,
            "place_heading": place_heading,
            "places_title": places_title,
            "asks_place": bool(figures.place_chart),
            "map_svg": map_svg,
            "series": figures.series,
            "chart_svg": charts.bar_chart_svg(
                series=figures.series, label=_("Confirmed signatures per day")
            ),
            "sources": figures.sources,
            "quorum": figures.quorum,
        }
    )
    return render(request, "organize/dashboard.html", context)


@private_view
@require_safe
@require_role(Role.ORGANIZER)
@with_petition
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
@with_petition
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
@with_petition
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
@with_petition
def packages(request: HttpRequest, slug: str) -> HttpResponse:
    """List delivery packages (refreshing while one is built); POST requests a new one."""
    petition = request.campaign.petition
    if request.method == "POST":
        package = request_delivery_package(petition=petition, requested_by=request.user)
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
@with_petition
def package_status(request: HttpRequest, slug: str) -> HttpResponse:
    """The packages' progress as JSON, for anything that wants to poll instead of refreshing."""
    rows = package_rows(request.campaign.petition)
    return JsonResponse(
        {"packages": [{"id": p.pk, "status": p.status, "progress": p.progress} for p in rows]}
    )


@private_view
@require_safe
@require_role(Role.ORGANIZER)
@with_petition
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
@with_petition
def audit_log(request: HttpRequest, slug: str) -> HttpResponse:
    petition = request.campaign.petition
    events = AuditEvent.objects.filter(petition=petition).order_by("-created_at", "-pk")
    page = Paginator(events, 100).get_page(request.GET.get("page"))
    context = page_context(request, "audit")
    context["page"] = page
    return render(request, "organize/audit.html", context)
