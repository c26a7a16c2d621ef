"""The partner area under /partner/: a partner's own counts, opted-in supporters, webhook log
and embed codes. Login and an active TOTP authenticator required (``login_and_totp_required``,
as the middleware also enforces for /partner/); a member sees only the partners they belong to.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from campaign.campaigns.content import LANGUAGE_NAMES, offered_languages
from campaign.campaigns.models import Partner
from campaign.web.access import recent_mfa_required
from campaign.web.accounts import login_and_totp_required
from campaign.web.http import private
from petitions.models import Widget
from petitions.partners.embeds import embed_snippets
from petitions.partners.onboarding import add_allowed_domain, remove_allowed_domain
from petitions.partners.service import opted_in_supporters, partner_summary, supporters_csv
from petitions.reporting.access_log import record_audit


def member_partner(request: HttpRequest, partner_id: int) -> Partner:
    """The partner, when the user is one of its members; 404 otherwise (no hint it exists)."""
    return get_object_or_404(
        Partner.objects.select_related("campaign"), pk=partner_id, memberships__user=request.user
    )


@login_and_totp_required
@require_safe
def partner_list(request: HttpRequest) -> HttpResponse:
    partners = Partner.objects.filter(memberships__user=request.user).select_related("campaign")
    return private(render(request, "petitions/partner/list.html", {"partners": partners}))


class DomainForm(forms.Form):
    domain = forms.CharField(
        label=gettext_lazy("Add a domain"),
        max_length=300,
        help_text=gettext_lazy("A host name such as example.org; *.example.org covers subdomains."),
    )


@login_and_totp_required
@require_safe
def dashboard(request: HttpRequest, partner_id: int) -> HttpResponse:
    return render_dashboard(request, member_partner(request, partner_id), DomainForm())


def render_dashboard(
    request: HttpRequest, partner, domain_form, status: int = 200, widget_key: str = ""
) -> HttpResponse:
    """The partner's page: counts, domains, embed code and preview, webhook log."""
    widgets = list(partner.widgets.select_related("petition__campaign"))
    widget_key = widget_key or request.GET.get("widget")
    chosen = next((w for w in widgets if w.key == widget_key), None)
    chosen = chosen or (widgets[0] if widgets else None)
    embed = None
    if chosen is not None:
        embed = embed_snippets(
            widget=chosen,
            language=request.GET.get("lang", ""),
            accent=request.GET.get("accent", ""),
            compact=bool(request.GET.get("compact")),
        )
    context = {
        "partner": partner,
        "summary": partner_summary(partner=partner),
        "widgets": widgets,
        "chosen": chosen,
        "embed": embed,
        "languages_choices": [
            (code, LANGUAGE_NAMES[code]) for code in offered_languages(partner.campaign)
        ],
        "deliveries": partner.webhook_deliveries.all()[:50],
        "domain_form": domain_form,
    }
    return private(render(request, "petitions/partner/dashboard.html", context, status=status))


@login_and_totp_required
@require_POST
def domains(request: HttpRequest, partner_id: int, widget_key: str) -> HttpResponse:
    """Add (``domain``) or remove (``remove``) a host name where the widget may be embedded."""
    partner = member_partner(request, partner_id)
    widget = get_object_or_404(Widget, partner=partner, key=widget_key)
    if "remove" in request.POST:
        if remove_allowed_domain(widget=widget, domain=request.POST["remove"], by=request.user):
            messages.success(
                request, _("%(domain)s was removed.") % {"domain": request.POST["remove"]}
            )
        return private(redirect(f"{reverse_dashboard(partner)}?widget={widget.key}#domains"))
    form = DomainForm(request.POST)
    if form.is_valid():
        try:
            add_allowed_domain(widget=widget, domain=form.cleaned_data["domain"], by=request.user)
        except ValidationError as error:
            form.add_error("domain", error)
        else:
            messages.success(request, _("The domain was added."))
            return private(redirect(f"{reverse_dashboard(partner)}?widget={widget.key}#domains"))
    return render_dashboard(request, partner, form, status=400, widget_key=widget.key)


def reverse_dashboard(partner) -> str:
    return reverse("partner:dashboard", kwargs={"partner_id": partner.pk})


@login_and_totp_required
@require_safe
@recent_mfa_required
def export_supporters(request: HttpRequest, partner_id: int) -> HttpResponse:
    """CSV of the supporters who opted in to this partner, and only those; audited."""
    partner = member_partner(request, partner_id)
    rows = opted_in_supporters(partner=partner).count()
    record_audit(
        user=request.user,
        action="partner.export_supporters",
        petition=getattr(partner.campaign, "petition", None),
        rows=rows,
        detail=f"partner={partner.pk}",
    )
    response = StreamingHttpResponse(
        supporters_csv(partner=partner), content_type="text/csv; charset=utf-8"
    )
    day = timezone.now().date().isoformat()
    response["Content-Disposition"] = (
        f'attachment; filename="supporters-partner-{partner.pk}-{day}.csv"'
    )
    return private(response)


urlpatterns = [
    path("", partner_list, name="list"),
    path("<int:partner_id>/", dashboard, name="dashboard"),
    path("<int:partner_id>/supporters.csv", export_supporters, name="export"),
    path("<int:partner_id>/widgets/<str:widget_key>/domains/", domains, name="domains"),
]
