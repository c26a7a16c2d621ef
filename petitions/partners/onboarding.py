"""Bringing a partner organisation on board: the owner invites it by email, it gets a widget
for the campaign's petition, and its members manage where the widget may be embedded."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from campaign.campaigns import images
from campaign.campaigns.invitations import invite_to_partner
from campaign.campaigns.models import Campaign, Invitation, Partner
from petitions.models import Petition, Widget
from petitions.reporting.access_log import record_audit

MAX_DOMAINS = 50
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_IPV4 = re.compile(r"^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$")


class PartnerNameTaken(Exception):
    """The campaign already has a partner of that name."""


def invite_partner(
    *, campaign: Campaign, name: str, website: str, email: str, invited_by, language: str
) -> Invitation:
    """Add a partner organisation to the campaign and invite its first member by email.

    Side effects: INSERT of the partner, of its widget (when the campaign has a petition) and
    of the invitation, one queued email, one audit event. Raises PartnerNameTaken.
    """
    name = name.strip()
    with transaction.atomic():
        if Partner.objects.filter(campaign=campaign, name__iexact=name).exists():
            raise PartnerNameTaken
        position = Partner.objects.filter(campaign=campaign).count()
        partner = Partner.objects.create(
            campaign=campaign,
            name=name,
            website=website.strip(),
            contact_email=email.strip(),
            position=position,
        )
        petition = Petition.objects.filter(campaign=campaign).first()
        if petition is not None:
            ensure_widget(partner=partner, petition=petition)
        invitation = invite_to_partner(
            partner=partner, email=email, invited_by=invited_by, language=language
        )
        record_audit(
            user=invited_by,
            action="partner.invite",
            petition=petition,
            detail=f"partner={partner.pk} invitation={invitation.pk}",
        )
    return invitation


def ensure_widget(*, partner: Partner, petition: Petition) -> Widget:
    """The partner's widget for the petition, made if it has none. Side effect: maybe an INSERT."""
    widget = Widget.objects.filter(partner=partner, petition=petition).first()
    if widget is None:
        widget = Widget.objects.create(
            partner=partner, petition=petition, language=petition.campaign.primary_language
        )
    return widget


def clean_host(value: str) -> str:
    """A host name as the widget's allowed domains hold it: lower case, ASCII (IDNA), an
    optional leading ``*.`` for subdomains; a pasted URL gives its host. Raises ValidationError.
    """
    value = (value or "").strip().lower()
    if "://" in value:
        value = value.split("://", 1)[1]
    value = value.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    if ":" in value and not value.startswith("["):
        value = value.rsplit(":", 1)[0]  # a port does not matter to the check
    value = value.rstrip(".")
    wildcard = value.startswith("*.")
    host = value[2:] if wildcard else value
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        raise ValidationError(_("Enter a host name such as example.org.")) from None
    labels = host.split(".")
    valid = (
        0 < len(host) <= 253
        and all(_LABEL.match(label) for label in labels)
        and (len(labels) >= 2 or host == "localhost")
        and not (wildcard and _IPV4.match(host))
    )
    if not valid and not (_IPV4.match(host) and not wildcard):
        raise ValidationError(_("Enter a host name such as example.org."))
    return f"*.{host}" if wildcard else host


def add_allowed_domain(*, widget: Widget, domain: str, by) -> bool:
    """Let the widget be embedded on ``domain`` (validated with ``clean_host``); False when it
    was there already. Side effects: UPDATE of the widget (row locked), one audit event."""
    domain = clean_host(domain)
    with transaction.atomic():
        locked = Widget.objects.select_for_update().get(pk=widget.pk)
        if domain in locked.allowed_domains:
            return False
        if len(locked.allowed_domains) >= MAX_DOMAINS:
            raise ValidationError(
                _("A widget can have at most %(n)s domains.") % {"n": MAX_DOMAINS}
            )
        locked.allowed_domains = [*locked.allowed_domains, domain]
        locked.save(update_fields=["allowed_domains"])
        record_audit(
            user=by,
            action="partner.domain_add",
            petition=locked.petition,
            detail=f"widget={widget.pk} domain={domain}",
        )
    widget.allowed_domains = locked.allowed_domains
    return True


def remove_allowed_domain(*, widget: Widget, domain: str, by) -> bool:
    """Stop allowing ``domain``; False when it was not there. Side effects: UPDATE of the
    widget (row locked), one audit event."""
    with transaction.atomic():
        locked = Widget.objects.select_for_update().get(pk=widget.pk)
        if domain not in locked.allowed_domains:
            return False
        locked.allowed_domains = [d for d in locked.allowed_domains if d != domain]
        locked.save(update_fields=["allowed_domains"])
        record_audit(
            user=by,
            action="partner.domain_remove",
            petition=locked.petition,
            detail=f"widget={widget.pk} domain={domain}",
        )
    widget.allowed_domains = locked.allowed_domains
    return True


def set_partner_logo(*, partner: Partner, upload, by) -> None:
    """A new logo for the partner in the coalition list.

    Raises campaign.campaigns.images.ImageRejected (nothing changed) for an upload that is not
    accepted. Side effects: those of ``images.replace_logo``, writes the audit log.
    """
    with transaction.atomic():
        images.replace_logo(partner=partner, upload=upload)
        record_audit(
            user=by,
            action="partner_logo",
            petition=Petition.objects.filter(campaign_id=partner.campaign_id).first(),
            detail=f"{partner.campaign.slug}: {partner.name}",
        )


def remove_partner_logo(*, partner: Partner, by) -> bool:
    """Take the partner's logo off the coalition list; False if it had none.

    Side effects: those of ``images.remove_logo``, writes the audit log.
    """
    with transaction.atomic():
        removed = images.remove_logo(partner=partner)
        if removed:
            record_audit(
                user=by,
                action="partner_logo_remove",
                petition=Petition.objects.filter(campaign_id=partner.campaign_id).first(),
                detail=f"{partner.campaign.slug}: {partner.name}",
            )
    return removed
