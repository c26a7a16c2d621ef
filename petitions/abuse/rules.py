"""Telling likely abuse from signers: the answer is the same, but held signatures do not count.

One set of rules for every sign form, the hosted page and the partner widget alike
(``screen_signature``, which the one signing service, signing.sign_petition, applies for
both; the list and its order are in docs/SECURITY.md, "Abuse rules for signing"). A held signature is stored with a reason and left out of the counts
until an organizer releases it (admin action); nobody is told, so a flooder learns nothing
from the answers. Double opt-in is the real gate: nothing counts unconfirmed, so no rule here
may cost a person their confirmation email, except a signal only a bot produces.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from disposable_email_domains import blocklist as DISPOSABLE_DOMAINS
from django.conf import settings

from petitions.abuse.throttle import RateCheck, hit, over_limit, over_limits, parse_rate, rate_check
from petitions.addresses import email_domain
from petitions.models import HeldReason, Petition

# Held for these reasons, the confirmation email is not sent: only a bot fills the honeypot
# (hidden from people and from browsers' autofill). A person who was held anyway can still ask
# for the email again on the check-your-email page.
NO_EMAIL_REASONS = frozenset({HeldReason.HONEYPOT})


def is_disposable(domain: str) -> bool:
    """Whether the domain, or a domain it is under, is on the disposable-email list."""
    parts = domain.lower().split(".")
    return any(".".join(parts[i:]) in DISPOSABLE_DOMAINS for i in range(len(parts) - 1))


@dataclass(frozen=True)
class Hold:
    """Why a signature is held, as far as known before its rate counters are read.

    ``rate_checks`` are the limits still to count: with the counters in PostgreSQL they are
    counted by the signing call itself (signing.create_signature), in the same round trip; the
    first one over its limit holds the signature unless ``reason`` already does.
    """

    reason: str
    rate_checks: tuple[RateCheck, ...] = ()


def screen_signature(
    *,
    petition: Petition,
    form_token: str,
    pow_solution: str,
    honeypot: str,
    ip_hash: str,
    email: str,
) -> Hold | None:
    """The anti-bot rules every sign form applies: None when the form must be refused (the
    petition requires proof of work and ``pow_solution`` does not solve it), else its Hold.

    Call once the form token and the fields are valid. Side effects: with proof of work
    required, one counter increment (``pow_solved``); the rate counters when they live in
    Redis (``hold_for_signature``).
    """
    if petition.require_pow and not pow_solved(form_token=form_token, solution=pow_solution):
        return None
    return hold_for_signature(
        petition_id=petition.pk, ip_hash=ip_hash, email=email, honeypot=honeypot
    )


def hold_for_signature(*, petition_id: int, ip_hash: str, email: str, honeypot: str) -> Hold:
    """The hold of a signature from either sign form, its rate limits left to the signing call
    when the counters live in PostgreSQL (counted here, in Redis, otherwise)."""
    if settings.RATE_LIMIT_STORE == "cache":
        return Hold(
            held_reason_after_counting(
                petition_id=petition_id,
                ip_hash=ip_hash,
                email=email,
                honeypot=honeypot,
            )
        )
    limits = _rate_limits(petition_id=petition_id, ip_hash=ip_hash, email=email)
    checks = tuple(rate_check(key, rate, reason) for reason, key, rate in limits)
    return Hold(_early_reason(email=email, honeypot=honeypot), checks)


def held_reason_after_counting(*, petition_id: int, ip_hash: str, email: str, honeypot: str) -> str:
    """Why this signature should be held ("" when it should count), its limits counted now.

    Every valid signature is counted against the limits per client address, per email
    domain and per petition, so a flood is seen whatever else it trips. Side effect: three
    counter increments in one statement (throttle.over_limits).
    """
    over = _first_over(_rate_limits(petition_id=petition_id, ip_hash=ip_hash, email=email))
    return _early_reason(email=email, honeypot=honeypot) or over


def _rate_limits(*, petition_id: int, ip_hash: str, email: str) -> list[tuple[str, str, str]]:
    """(reason, key, rate) of each limit a signature counts against, in order of priority."""
    domain = email_domain(email)
    limits = []
    if ip_hash:
        limits.append((HeldReason.RATE_IP, f"ip:{ip_hash}", settings.RATE_LIMIT_IP))
    if domain not in settings.RATE_LIMIT_DOMAIN_EXEMPT:
        limits.append((HeldReason.RATE_DOMAIN, f"domain:{domain}", settings.RATE_LIMIT_DOMAIN))
    limits.append(
        (HeldReason.RATE_PETITION, f"petition:{petition_id}", settings.RATE_LIMIT_PETITION)
    )
    return limits


def _first_over(limits: list[tuple[str, str, str]]) -> str:
    """Count one event against each limit; the reason of the first one over it, else ""."""
    over = over_limits([(key, rate) for _, key, rate in limits])
    return next(
        (reason for (reason, _, _), is_over in zip(limits, over, strict=True) if is_over), ""
    )


def _early_reason(*, email: str, honeypot: str) -> str:
    """A hold that needs no counter: a bot's honeypot, a throwaway address.

    There is no fill-time rule: a person using autofill signs in a second, and behind a cache
    the form token's age is the page's age, not the reader's (docs/SECURITY.md).
    """
    if honeypot:
        return HeldReason.HONEYPOT
    if is_disposable(email_domain(email)):
        return HeldReason.DISPOSABLE
    return HeldReason.NONE


def pow_solved(*, form_token: str, solution: str) -> bool:
    """Whether ``solution`` solves the proof-of-work puzzle of this form token, once only.

    The puzzle (static/js/pow.js solves it): the browser picks a random hex ``nonce`` and
    finds a number n such that sha256("<form_token>:<nonce>.<n>") starts with
    POW_DIFFICULTY_BITS zero bits; ``solution`` is "<nonce>.<n>". The nonce makes the work
    per signer even when a CDN serves everyone the same form token. A solution is spent on
    first use. Side effect: one counter increment.
    """
    nonce, _, counter = solution.partition(".")
    if not (
        form_token
        and 8 <= len(nonce) <= 32
        and all(ch in "0123456789abcdef" for ch in nonce)
        and counter.isascii()
        and counter.isdigit()
        and len(counter) <= 12
    ):
        return False
    digest = hashlib.sha256(f"{form_token}:{solution}".encode()).digest()
    if int.from_bytes(digest, "big") >> (256 - settings.POW_DIFFICULTY_BITS) != 0:
        return False
    spent = hashlib.sha256(f"{form_token}:{nonce}".encode()).hexdigest()
    return hit(f"pow:{spent}", window=settings.FORM_TOKEN_MAX_AGE) == 1


def resend_allowed(*, ip_hash: str) -> bool:
    """Whether this client may have a confirmation email sent again now (RATE_LIMIT_RESEND_IP).

    Counts the request on /resend/ and a signature of an address already waiting for its
    confirmation. Side effect: one counter increment.
    """
    return not ip_hash or not over_limit(f"resend:{ip_hash}", settings.RATE_LIMIT_RESEND_IP)


def confirmation_email_allowed(*, signature_id: int) -> bool:
    """Whether one more confirmation email may go to this signature's address in the current
    window (CONFIRMATION_EMAIL_RATE), held signature or not; counts it if so.

    Counted when the email is sent, so the first one, re-sends and re-signing all count and no
    path around the bound remains. Side effect: one counter increment.
    """
    limit, window = parse_rate(settings.CONFIRMATION_EMAIL_RATE)
    return hit(f"confirm-mail:{signature_id}", window=window) <= limit
