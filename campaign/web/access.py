"""Role checks for organizer views: a role in the view's campaign, and a recent TOTP before
signer data leaves the site. The roles themselves are campaign/campaigns/access.py."""

from __future__ import annotations

import time
from functools import wraps

from allauth.account.authentication import get_authentication_records
from allauth.account.internal.flows.reauthentication import suspend_request
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse

from campaign.campaigns.access import role_for, role_satisfies
from campaign.campaigns.models import Campaign, Role
from campaign.web.accounts import login_and_totp_gate


def require_role(role: str):
    """Decorate a view taking ``slug``: login, active TOTP and at least ``role`` are required.

    Anonymous users and accounts without TOTP are sent on as ``login_and_totp_gate`` says,
    members lacking the role get 403. The view finds ``request.campaign`` and ``request.campaign_role`` set.
    """
    Role(role)  # fail at import time on a typo

    def decorator(view):
        @wraps(view)
        def wrapper(request: HttpRequest, slug: str, *args, **kwargs) -> HttpResponse:
            denied = login_and_totp_gate(request)
            if denied is not None:
                return denied
            campaign = Campaign.objects.select_related("petition").filter(slug=slug).first()
            if campaign is None:
                raise Http404
            current = role_for(request.user, campaign)
            if not role_satisfies(current, role):
                raise PermissionDenied
            request.campaign = campaign
            request.campaign_role = current
            return view(request, slug, *args, **kwargs)

        return wrapper

    return decorator


def has_recent_mfa(request: HttpRequest) -> bool:
    """Whether this session passed a TOTP (or recovery code) check within EXPORT_MFA_MAX_AGE."""
    now = time.time()
    return any(
        record.get("method") == "mfa"
        and record.get("type") in ("totp", "recovery_codes")
        and now - record.get("at", 0) < settings.EXPORT_MFA_MAX_AGE
        for record in get_authentication_records(request, request.user)
    )


def recent_mfa_required(view):
    """Send the organizer through allauth's TOTP reauthentication, then back to this URL."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not has_recent_mfa(request):
            return suspend_request(request, reverse("mfa_reauthenticate"))
        return view(request, *args, **kwargs)

    return wrapper
