"""Telling likely abuse from signers: the answer is the same, but held signatures do not count.

A held signature is stored with a reason and left out of the counts until an organizer
releases it (admin action); nobody is told, so a flooder learns nothing from the answers.
"""

from __future__ import annotations

import hashlib

from disposable_email_domains import blocklist as DISPOSABLE_DOMAINS
from django.conf import settings

from petitions.addresses import email_domain
from petitions.models import HeldReason
from petitions.throttle import hit, over_limits
from petitions.tokens import form_token_age

# Held for these reasons, the confirmation email is not sent: a bot filled the form. A person
# who was wrongly held can still ask for the email again on the check-your-email page.
NO_EMAIL_REASONS = frozenset({HeldReason.HONEYPOT, HeldReason.TOO_FAST})


def is_disposable(domain: str) -> bool:
    """Whether the domain, or a domain it is under, is on the disposable-email list."""
    parts = domain.lower().split(".")
    return any(".".join(parts[i:]) in DISPOSABLE_DOMAINS for i in range(len(parts) - 1))


def hold_reason(
    *, petition_id: int, ip_hash: str, email: str, form_token: str, honeypot: str
) -> str:
    """Why this signature should be held ("" when it should count).

    Every valid signature is counted against the limits per client address, per email
    domain and per petition, so a flood is seen whatever else it trips. Side effect: three
    counter increments in one statement (throttle.over_limits).
    """
    domain = email_domain(email)
    checks = {"petition": (f"petition:{petition_id}", settings.RATE_LIMIT_PETITION)}
    if ip_hash:
        checks["ip"] = (f"ip:{ip_hash}", settings.RATE_LIMIT_IP)
    if domain not in settings.RATE_LIMIT_DOMAIN_EXEMPT:
        checks["domain"] = (f"domain:{domain}", settings.RATE_LIMIT_DOMAIN)
    over = dict(zip(checks, over_limits(list(checks.values())), strict=True))
    rate_ip, rate_domain = over.get("ip", False), over.get("domain", False)
    rate_petition = over["petition"]
    if honeypot:
        return HeldReason.HONEYPOT
    age = form_token_age(form_token)
    if age is not None and age < settings.MIN_FILL_SECONDS:
        return HeldReason.TOO_FAST
    if is_disposable(domain):
        return HeldReason.DISPOSABLE
    if rate_ip:
        return HeldReason.RATE_IP
    if rate_domain:
        return HeldReason.RATE_DOMAIN
    if rate_petition:
        return HeldReason.RATE_PETITION
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
