"""Email address normalisation, so that one person signs a petition once.

The key is only used to find duplicates; mail always goes to the address as typed. Dots and
"+tag" suffixes are dropped only where the provider documents that it ignores them, because
elsewhere ``a.b@`` and ``ab@`` (or ``a+b@``) can be different people:

- Gmail ignores dots in the local part and delivers ``name+anything@`` to ``name@``
  (Google Account Help, "Dots don't matter in Gmail addresses" and "Create task-specific
  email addresses"); ``googlemail.com`` is the same mailbox as ``gmail.com``.
- Outlook.com and its legacy domains deliver ``name+anything@`` to ``name@`` (Microsoft
  support, "Plus addressing in Outlook.com"); dots there are significant.
- Proton Mail ("+aliases") and Fastmail ("plus addressing") deliver ``name+tag@`` to ``name@``;
  dots are significant.

Yahoo's disposable addresses use a separate base name, not a suffix, so Yahoo is left as typed.
"""

from __future__ import annotations

# Domains that are one mailbox namespace, mapped to one canonical domain.
DOMAIN_ALIASES = {"googlemail.com": "gmail.com"}
IGNORES_DOTS = frozenset({"gmail.com"})
IGNORES_PLUS_TAG = frozenset(
    {
        "gmail.com",
        "outlook.com",
        "hotmail.com",
        "live.com",
        "msn.com",
        "proton.me",
        "protonmail.com",
        "protonmail.ch",
        "pm.me",
        "fastmail.com",
        "fastmail.fm",
    }
)


def email_domain(email: str) -> str:
    """The domain part, lower-cased, with provider aliases folded (``googlemail.com`` → gmail)."""
    domain = email.strip().rpartition("@")[2].lower().rstrip(".")
    return DOMAIN_ALIASES.get(domain, domain)


def normalise_email(email: str) -> str:
    """The key under which an address is unique: trimmed, lower-cased, provider-aware."""
    email = email.strip().lower()
    local, at, _ = email.rpartition("@")
    if not at:
        return email
    domain = email_domain(email)
    if domain in IGNORES_PLUS_TAG and "+" in local:
        local = local.split("+", 1)[0] or local
    if domain in IGNORES_DOTS:
        local = local.replace(".", "") or local
    return f"{local}@{domain}"
