"""Who may do what in a campaign: roles per campaign, checked on the server by every view.

owner ⊇ organizer ⊇ viewer: an owner manages members, an organizer exports personal data,
a viewer sees counts only.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction

from campaign.campaigns.models import Campaign, CampaignMembership, Role

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
