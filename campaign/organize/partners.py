"""The organizer area's partners page: an owner lists the campaign's partner organisations
and invites one by email (petitions/partners/onboarding.py does the work)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from campaign.campaigns.images import ImageRejected, with_logos
from campaign.campaigns.models import Invitation, InvitationKind, Partner, Role
from campaign.organize.campaigns import campaign_title, private_view, tabs
from campaign.web.access import require_role
from petitions.partners import onboarding
from petitions.partners.onboarding import PartnerNameTaken, invite_partner


class PartnerInviteForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Organisation"), max_length=200)
    website = forms.URLField(label=gettext_lazy("Website"), required=False, assume_scheme="https")
    email = forms.EmailField(label=gettext_lazy("Email address"))


@private_view
@require_http_methods(["GET", "HEAD", "POST"])
@require_role(Role.OWNER)
def partners(request: HttpRequest, slug: str) -> HttpResponse:
    """List the campaign's partners, their members and open invitations; POST invites one."""
    campaign = request.campaign
    form = PartnerInviteForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                invite_partner(
                    campaign=campaign,
                    name=form.cleaned_data["name"],
                    website=form.cleaned_data["website"],
                    email=form.cleaned_data["email"],
                    invited_by=request.user,
                    language=translation.get_language(),
                )
            except PartnerNameTaken:
                form.add_error("name", _("The campaign already has a partner of that name."))
            else:
                messages.success(
                    request,
                    _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]},
                )
                return redirect("organize:partners", slug=slug)
        status = 400
    rows = (
        Partner.objects.filter(campaign=campaign)
        .prefetch_related("memberships__user", "widgets")
        .order_by("position", "name")
    )
    context = {
        "campaign": campaign,
        "title": campaign_title(campaign),
        "role": request.campaign_role,
        "tabs": tabs(campaign, request.campaign_role, "partners"),
        "partners": with_logos(list(rows)),
        "accepted_image_types": "image/png,image/webp,image/jpeg,image/avif",
        "invitations": Invitation.objects.filter(
            campaign=campaign, kind=InvitationKind.PARTNER, accepted_at__isnull=True
        ).select_related("partner"),
        "form": form,
    }
    return render(request, "organize/partners.html", context, status=status)


@private_view
@require_POST
@require_role(Role.OWNER)
def partner_logo(request: HttpRequest, slug: str, partner_id: int) -> HttpResponse:
    """Upload a partner's logo for the coalition list on the campaign page."""
    partner = get_object_or_404(Partner, pk=partner_id, campaign=request.campaign)
    upload = request.FILES.get("logo")
    if upload is None:
        messages.error(request, _("Please choose an image."))
        return redirect("organize:partners", slug=slug)
    try:
        onboarding.set_partner_logo(partner=partner, upload=upload, by=request.user)
    except ImageRejected as rejected:
        messages.error(request, f"{partner.name}: {rejected.message}")
    else:
        messages.success(request, _("The logo of %(name)s was saved.") % {"name": partner.name})
    return redirect("organize:partners", slug=slug)


@private_view
@require_POST
@require_role(Role.OWNER)
def remove_partner_logo(request: HttpRequest, slug: str, partner_id: int) -> HttpResponse:
    partner = get_object_or_404(Partner, pk=partner_id, campaign=request.campaign)
    if onboarding.remove_partner_logo(partner=partner, by=request.user):
        messages.success(request, _("The logo of %(name)s was removed.") % {"name": partner.name})
    return redirect("organize:partners", slug=slug)
