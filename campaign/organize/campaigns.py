"""The organizer area's campaign views: my campaigns, members and invitations.

Not language-prefixed: the language comes from Accept-Language. Every view checks the role on
the server (campaign/web/access.py, roles in campaign/campaigns/access.py); every response is private.
"""

from __future__ import annotations

from functools import wraps

from django import forms
from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from campaign.campaigns.access import (
    LastOwnerError,
    change_role,
    remove_member,
    role_satisfies,
)
from campaign.campaigns.content import campaign_translation
from campaign.campaigns.invitation_links import invitation_for_token, lapsed_invitation_for_token
from campaign.campaigns.invitations import accept_invitation, invite
from campaign.campaigns.models import (
    CampaignMembership,
    Invitation,
    InvitationKind,
    PartnerMembership,
    Role,
)
from campaign.web.access import require_role
from campaign.web.accounts import (
    INVITATION_SESSION_KEY,
    INVITATION_TOKEN_SESSION_KEY,
    login_and_totp_gate,
    login_and_totp_required,
)
from campaign.web.http import private
from petitions.workspace import may_create_campaigns


def organizer_login_required(view):
    """Login and an active TOTP authenticator, for views not tied to one campaign."""
    return login_and_totp_required(private_view(view))


def private_view(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        return private(view(request, *args, **kwargs))

    return wrapper


def campaign_title(campaign) -> str:
    """The campaign's title in the visitor's language; the hashtag while a draft has no text."""
    try:
        return campaign_translation(campaign, translation.get_language()).title
    except KeyError:
        return campaign.hashtag


@organizer_login_required
def campaigns(request: HttpRequest) -> HttpResponse:
    memberships = (
        CampaignMembership.objects.filter(user=request.user)
        .select_related("campaign")
        .prefetch_related("campaign__translations")
        .order_by("campaign__created_at")
    )
    rows = [
        {
            "campaign": m.campaign,
            "title": campaign_title(m.campaign),
            "role": m.get_role_display(),
            "is_owner": m.role == Role.OWNER,
        }
        for m in memberships
    ]
    if not rows:
        # A partner's person who is no campaign's member: sign-in lands here (LOGIN_REDIRECT_URL),
        # and goes on to the partner area, to their partner's page when they have one.
        partner_ids = list(
            PartnerMembership.objects.filter(user=request.user).values_list(
                "partner_id", flat=True
            )[:2]
        )
        if len(partner_ids) == 1:
            return redirect("partner:dashboard", partner_id=partner_ids[0])
        if partner_ids:
            return redirect("partner:list")
    context = {"rows": rows, "may_create": may_create_campaigns(request.user)}
    return render(request, "organize/campaigns.html", context)


class InviteForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("Email address"))
    # Least privilege: an invitation makes a viewer unless the owner chooses more.
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=Role.choices, initial=Role.VIEWER)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=Role.choices)


def members_context(request: HttpRequest, campaign, invite_form: InviteForm) -> dict:
    return {
        "campaign": campaign,
        "title": campaign_title(campaign),
        "role": request.campaign_role,
        "memberships": CampaignMembership.objects.filter(campaign=campaign).select_related("user"),
        "invitations": Invitation.objects.filter(
            campaign=campaign, kind=InvitationKind.MEMBER, accepted_at__isnull=True
        ),
        "invite_form": invite_form,
        "roles": Role.choices,
        "tab": "members",
        "tabs": tabs(campaign, request.campaign_role, "members"),
        "owner_tabs": owner_tabs(campaign, request.campaign_role, "members"),
    }


@private_view
@require_http_methods(["GET", "HEAD", "POST"])
@require_role(Role.OWNER)
def members(request: HttpRequest, slug: str) -> HttpResponse:
    """List members and open invitations; POST invites someone by email."""
    campaign = request.campaign
    form = InviteForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            invite(
                campaign=campaign,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                invited_by=request.user,
                language=translation.get_language(),
            )
            messages.success(
                request,
                _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]},
            )
            return redirect("organize:members", slug=slug)
        return render(
            request, "organize/members.html", members_context(request, campaign, form), status=400
        )
    return render(request, "organize/members.html", members_context(request, campaign, form))


@private_view
@require_POST
@require_role(Role.OWNER)
def change_member(request: HttpRequest, slug: str, membership_id: int) -> HttpResponse:
    """Change a member's role, or remove them (``remove`` in the POST); one owner always stays."""
    campaign = request.campaign
    membership = get_object_or_404(CampaignMembership, pk=membership_id, campaign=campaign)
    removing = "remove" in request.POST
    form = RoleForm(request.POST)
    if not removing and not form.is_valid():
        messages.error(request, _("Please choose a role."))
        return redirect("organize:members", slug=slug)
    try:
        if removing:
            remove_member(membership=membership, by=request.user)
        else:
            change_role(membership=membership, role=form.cleaned_data["role"], by=request.user)
    except LastOwnerError:
        messages.error(request, _("A campaign needs at least one owner."))
        return redirect("organize:members", slug=slug)
    except CampaignMembership.DoesNotExist:
        raise Http404 from None
    if removing:
        messages.success(request, _("%(email)s was removed.") % {"email": membership.user.email})
    else:
        messages.success(request, _("The role was changed."))
    return redirect("organize:members", slug=slug)


@private_view
@require_POST
@require_role(Role.OWNER)
def revoke_invitation(request: HttpRequest, slug: str, invitation_id: int) -> HttpResponse:
    invitation = Invitation.objects.filter(
        pk=invitation_id, campaign=request.campaign, accepted_at__isnull=True
    ).first()
    if invitation is not None:
        invitation.delete()
    messages.success(request, _("The invitation was withdrawn."))
    if invitation is not None and invitation.kind == InvitationKind.PARTNER:
        return redirect("organize:partners", slug=slug)
    return redirect("organize:members", slug=slug)


@private_view
@require_http_methods(["GET", "HEAD", "POST"])
def accept(request: HttpRequest, token: str) -> HttpResponse:
    """An invitation link: sign in (or sign up, which the link opens) and accept it."""
    invitation = invitation_for_token(token)
    if invitation is None:
        lapsed = lapsed_invitation_for_token(token)
        context = {
            "lapsed": lapsed,
            "inviter": lapsed.invited_by.email if lapsed and lapsed.invited_by else "",
        }
        return render(request, "organize/invitation_invalid.html", context, status=404)
    if not request.user.is_authenticated:
        # Lets the holder of a valid invitation create an account (see AccountAdapter), with
        # the invited address filled in (campaign/web/account_views.py).
        request.session[INVITATION_SESSION_KEY] = invitation.key
        request.session[INVITATION_TOKEN_SESSION_KEY] = token
    denied = login_and_totp_gate(request)
    if denied is not None:
        return denied
    context = {
        "invitation": invitation,
        "title": campaign_title(invitation.campaign),
        "role": invitation.get_role_display() or invitation.get_kind_display(),
        "partner": invitation.partner,
        "other_address": not request.user.emailaddress_set.filter(
            email__iexact=invitation.email, verified=True
        ).exists(),
    }
    if request.method == "POST":
        acceptance = accept_invitation(invitation=invitation, user=request.user)
        if acceptance.membership is not None:
            request.session.pop(INVITATION_SESSION_KEY, None)
            request.session.pop(INVITATION_TOKEN_SESSION_KEY, None)
            if invitation.partner_id:
                return redirect("partner:dashboard", partner_id=invitation.partner_id)
            return redirect("organize:dashboard", slug=invitation.campaign.slug)
        context["wrong_email"] = True
        return render(request, "organize/invitation.html", context, status=403)
    return render(request, "organize/invitation.html", context)


def has_petition(campaign) -> bool:
    try:
        campaign.petition  # noqa: B018 (the reverse one-to-one raises when there is none)
    except ObjectDoesNotExist:
        return False
    return True


def tabs(campaign, role: str, current: str) -> list[dict]:
    """The campaign's organizer pages this role may open (a draft without a petition has
    no figures yet: only its members)."""
    items = [
        ("dashboard", _("Dashboard"), Role.VIEWER),
        ("signers", _("Recent signers"), Role.ORGANIZER),
        ("exports", _("Exports"), Role.VIEWER),
        ("packages", _("Delivery packages"), Role.ORGANIZER),
        ("updates", _("Updates"), Role.ORGANIZER),
        ("members", _("Members"), Role.OWNER),
        ("audit", _("Audit log"), Role.OWNER),
    ]
    if not has_petition(campaign):
        items = [item for item in items if item[0] == "members"]
    return tab_links(campaign, role, current, items)


def owner_tabs(campaign, role: str, current: str) -> list[dict]:
    """The owner's workspace pages, shown after the tabs: building the campaign, its controls."""
    items = [("setup", _("Workspace"), Role.OWNER)]
    if has_petition(campaign):
        items.append(("controls", _("Controls"), Role.OWNER))
    return tab_links(campaign, role, current, items)


def tab_links(campaign, role: str, current: str, items) -> list[dict]:
    return [
        {
            "url": reverse(f"organize:{name}", kwargs={"slug": campaign.slug}),
            "label": label,
            "current": name == current,
        }
        for name, label, needed in items
        if role_satisfies(role, needed)
    ]
