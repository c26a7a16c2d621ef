"""The privacy notice of a petition: what is kept, why, who gets it and for how long.

Built from the catalogs, the settings in force and the campaign's own form, so it always says
what the code does (retention.py, partners.py, delivery.py). The signer's privacy consent
stores this exact text (consents.py), so a changed notice is a new consent text version.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_countries import countries

from campaign.campaigns.models import Campaign, RegionKind


@dataclass(frozen=True)
class Section:
    heading: str
    paragraphs: list[str]


def retention_days() -> dict[str, int]:
    """The retention periods in force, in days."""
    return {
        "unconfirmed": settings.UNCONFIRMED_RETENTION_DAYS,
        "anonymise": settings.ANONYMISE_AFTER_DAYS,
        "links": settings.SIGNER_LINK_MAX_AGE // 86400,
        "ip_hash": settings.IP_HASH_RETENTION_DAYS,
    }


def mail_transport_name() -> str:
    """Who delivers the emails, as the privacy notice names it: the ESP of EMAIL_ESP (its name
    as anymail gives it), else our own mail server."""
    if settings.EMAIL_ESP:
        backend = import_string(f"anymail.backends.{settings.EMAIL_ESP}.EmailBackend")
        return _("our email service provider %(name)s") % {"name": backend.esp_name}
    return _("our own mail server")


def privacy_notice(campaign: Campaign) -> list[Section]:
    """The notice in the active language, as sections of plain-text paragraphs."""
    region_country = campaign.subdivision_country
    asks_region = region_country == "BR"  # Brazil's states, and Brazil's law
    asks_place = campaign.region_kind != RegionKind.NONE
    days = retention_days()
    contact = {"email": settings.CONTACT_EMAIL}
    controller = [
        _("The controller responsible for your data is %(controller)s.")
        % {"controller": settings.PRIVACY_CONTROLLER},
        _("For any question about your data, write to %(email)s.") % contact,
    ]
    purposes = [
        _(
            "We use your data to count your signature, to publish the totals and to hand the petition over to its addressees. The legal basis is your consent (Art. 6(1)(a) GDPR), which you give when you sign and can withdraw at any time."
        ),
        _(
            "Campaign updates, and news from a partner organisation, reach you only if you tick the box for them; this too rests on your consent (Art. 6(1)(a) GDPR), and your signature does not depend on it."
        ),
        _(
            "If you ask for updates, the organizers email them to you now and then, in your language where they can, through %(transport)s. Each update email has a link to unsubscribe with one click; unsubscribing stops the updates and leaves your signature as it is."
        )
        % {"transport": mail_transport_name()},
        _(
            "To keep fake and automated signatures out of the count, we keep a keyed hash of your IP address and may hold a signature for review before it is counted. The legal basis is our legitimate interest in totals that are true (Art. 6(1)(f) GDPR)."
        ),
    ]
    if asks_region:
        purposes.append(
            _(
                "Under Brazil’s data protection law (LGPD) the same bases apply: consent (Art. 7, I) and legitimate interest (Art. 7, IX)."
            )
        )
    if asks_place:
        kept = [_("Your name, your email address and your country.")]
    else:
        kept = [_("Your name and your email address.")]
    if asks_region:
        kept.append(_("Your state, if you sign from Brazil."))
    elif region_country:
        kept.append(
            _("Your region, if you sign from %(country)s.")
            % {"country": countries.name(region_country)}
        )
    if asks_place:
        kept.append(_("Your postal code, if you give it."))
    kept += [
        _(
            "A normalised form of your email address, to recognise a second signature from the same address."
        ),
        _(
            "Each consent you give, with the exact text you were shown, its version and the time you gave it."
        ),
        _("The language you signed in, when you signed and when you confirmed."),
        _(
            "Where your signature came from: the partner and its widget and the site that embedded it, if you signed on a partner’s site, and the source and reference of the link you followed, if it had any."
        ),
        _("Whether your signature is held for review before it is counted."),
        _("Which campaign updates were emailed to you, and when."),
        ngettext(
            "A keyed hash of your IP address (of an IPv6 address, only its first 64 bits), never the address itself. The key is random, made anew each day and deleted within an hour after the day ends, so that afterwards nobody, us included, can work out your address from the hash or link hashes from different days. The hash is erased %(days)d day after you signed or, if your signature is held for review, once the review is over.",
            "A keyed hash of your IP address (of an IPv6 address, only its first 64 bits), never the address itself. The key is random, made anew each day and deleted within an hour after the day ends, so that afterwards nobody, us included, can work out your address from the hash or link hashes from different days. The hash is erased %(days)d days after you signed or, if your signature is held for review, once the review is over.",
            days["ip_hash"],
        )
        % {"days": days["ip_hash"]},
    ]
    recipients = [
        _(
            "The addressees of the petition receive the name, state, country and date of each signature, never the email address."
        )
        if asks_region
        else _(
            "The addressees of the petition receive the name, region, country and date of each signature, never the email address."
        )
        if region_country
        else _(
            "The addressees of the petition receive the name, country and date of each signature, never the email address."
        )
        if asks_place
        else _(
            "The addressees of the petition receive the name and date of each signature, never the email address."
        ),
        _(
            "If you tick the box to hear from a partner organisation, that partner receives your name and email address, with the place, language and date of your signature. Partners you did not choose receive nothing about you."
        ),
        _(
            "Our email service provider processes your email address to deliver the messages we send you."
        ),
        _(
            "Nobody else receives your data. We do not sell it, and these pages use no cookies, no trackers and no third-party services."
        ),
    ]
    retention = [
        ngettext(
            "If you do not confirm your signature, it is deleted %(days)d day after you signed.",
            "If you do not confirm your signature, it is deleted %(days)d days after you signed.",
            days["unconfirmed"],
        )
        % {"days": days["unconfirmed"]},
        ngettext(
            "Once the petition has closed and been delivered, %(days)d day after the later of the two dates your signature is anonymised: your name, email address, postal code, IP hash and consents are erased, and what remains only feeds the totals.",
            "Once the petition has closed and been delivered, %(days)d days after the later of the two dates your signature is anonymised: your name, email address, postal code, IP hash and consents are erased, and what remains only feeds the totals.",
            days["anonymise"],
        )
        % {"days": days["anonymise"]},
        _("If you withdraw your signature, it is deleted at once."),
    ]
    rights = [
        _(
            "Every email we send you has a link to receive a copy of all the data we keep about your signature, and a link to withdraw your signature, which erases it."
        ),
        _(
            "You can also write to %(email)s to have your data corrected or erased, to restrict or object to its processing, or to receive it in a portable form."
        )
        % contact,
        _(
            "You have the right to lodge a complaint with a data protection supervisory authority, in particular in the country where you live or work."
        ),
    ]
    if asks_region:
        rights.append(
            _("In Brazil, you can complain to the National Data Protection Authority (ANPD).")
        )
    return [
        Section(_("Who is responsible"), controller),
        Section(_("Why we use your data, and on what legal basis"), purposes),
        Section(_("What we keep"), kept),
        Section(_("Who receives it"), recipients),
        Section(_("How long we keep it"), retention),
        Section(_("Your rights"), rights),
    ]


def privacy_notice_text(campaign: Campaign) -> str:
    """The notice in the active language as plain text, as a consent stores it."""
    return "\n\n".join(
        "\n".join([section.heading, *section.paragraphs]) for section in privacy_notice(campaign)
    )
