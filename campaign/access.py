"""Who may do what in a campaign: roles per campaign, checked on the server by every view.

owner ⊇ organizer ⊇ viewer: an owner manages members, an organizer exports personal data,
a viewer sees counts only.
"""

from __future__ import annotations

import time
from functools import wraps

from allauth.account.authentication import get_authentication_records
from allauth.account.internal.flows.reauthentication import suspend_request
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse

from campaign.accounts import login_and_totp_gate
from campaign.models import Campaign, CampaignMembership, Role

RANK = {Role.VIEWER: 1, Role.ORGANIZER: 2, Role.OWNER: 3}


def role_for(user, campaign: Campaign) -> str | None:
    """The user's role in the campaign, or None for anonymous users and outsiders."""
    if user is None or not user.is_authenticated:
        return None
    return (
        CampaignMembership.objects.filter(user=user, campaign=campaign)
        .values_list("role", flat=True)
        .first()
    )


def role_satisfies(role: str | None, required: str) -> bool:
    return role is not None and RANK[Role(role)] >= RANK[Role(required)]


class LastOwnerError(Exception):
    """The change would leave the campaign without an owner."""


def change_role(*, membership: CampaignMembership, role: str, by) -> None:
    """Give a member another role; the campaign always keeps at least one owner.

    ``by`` must still be an owner when the change is made. Raises LastOwnerError (nothing
    changed), PermissionDenied, or CampaignMembership.DoesNotExist when the member is gone.
    Side effect: UPDATE of the membership, under the lock of ``_lock_members``.
    """
    role = Role(role)
    with transaction.atomic():
        roles = _lock_members(campaign_id=membership.campaign_id, by=by, target=membership)
        roles[membership.pk] = role
        _require_an_owner(roles)
        CampaignMembership.objects.filter(pk=membership.pk).update(role=role)
    membership.role = role


def remove_member(*, membership: CampaignMembership, by) -> None:
    """Take a member out of the campaign; the campaign always keeps at least one owner.

    Raises as ``change_role`` does. Side effect: DELETE of the membership, under the lock of
    ``_lock_members``.
    """
    with transaction.atomic():
        roles = _lock_members(campaign_id=membership.campaign_id, by=by, target=membership)
        del roles[membership.pk]
        _require_an_owner(roles)
        CampaignMembership.objects.filter(pk=membership.pk).delete()


def _lock_members(*, campaign_id: int, by, target: CampaignMembership) -> dict[int, str]:
    """Lock every membership row of the campaign for the transaction; their roles by id.

    Two owners demoting each other at once then run one after the other, and the second sees
    the first's change: a count read without the lock would let both pass and leave no owner.
    Rows are locked in id order, so concurrent changes cannot deadlock.
    """
    rows = list(
        CampaignMembership.objects.select_for_update(of=("self",))
        .filter(campaign_id=campaign_id)
        .order_by("pk")
        .values_list("pk", "user_id", "role")
    )
    if not any(user_id == by.pk and role == Role.OWNER for _, user_id, role in rows):
        raise PermissionDenied
    roles = {pk: role for pk, _, role in rows}
    if target.pk not in roles:
        raise CampaignMembership.DoesNotExist
    return roles


def _require_an_owner(roles: dict[int, str]) -> None:
    if Role.OWNER not in roles.values():
        raise LastOwnerError


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
