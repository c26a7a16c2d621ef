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

Forms of one address that every mail system treats alike share one key too: a quoted local
part that needs no quotes (``"john"@`` is ``john@``, RFC 5321 section 4.1.2), a domain in
Unicode or in punycode (IDNA 2008 with UTS 46 mapping, through the ``idna`` package), and
characters that fold to the same letters (NFKC, then case folding: ``ſ`` is ``s``).
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata

import idna

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


# RFC 5322 atext: what a local part may hold without quotes, in dot-separated atoms.
_DOT_ATOM = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")
_QUOTED_PAIR = re.compile(r"\\(.)")


def ascii_domain(domain: str) -> str:
    """A domain in one form: lower-case ASCII, IDN labels as punycode (``bücher.example`` and
    ``xn--bcher-kva.example`` both give the latter). A name IDNA 2008 refuses (an emoji
    domain, say) falls back to IDNA 2003 (the stdlib codec), then to case folding."""
    domain = unicodedata.normalize("NFKC", domain.strip()).rstrip(".")
    if domain.isascii():
        return domain.lower()
    try:
        return idna.encode(domain, uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError):
        try:
            return domain.encode("idna").decode("ascii").lower()
        except UnicodeError:
            return domain.casefold()


def email_domain(email: str) -> str:
    """The domain part in ASCII form (see ascii_domain), provider aliases folded
    (``googlemail.com`` → gmail)."""
    domain = ascii_domain(email.strip().rpartition("@")[2])
    return DOMAIN_ALIASES.get(domain, domain)


def unquoted_local_part(local: str) -> str:
    """``"john"`` → ``john`` when the quotes change nothing; a local part that needs its
    quotes (a space, two dots in a row) keeps them."""
    if len(local) >= 2 and local.startswith('"') and local.endswith('"'):
        inner = _QUOTED_PAIR.sub(r"\1", local[1:-1])
        if _DOT_ATOM.fullmatch(inner):
            return inner
    return local


def normalise_email(email: str) -> str:
    """The key under which an address is unique: trimmed, unquoted, case-folded (NFKC),
    domain in punycode, provider-aware."""
    email = email.strip()
    local, at, _ = email.rpartition("@")
    if not at:
        return unicodedata.normalize("NFKC", email).casefold()
    local = unicodedata.normalize("NFKC", unquoted_local_part(local)).casefold()
    domain = email_domain(email)
    if domain in IGNORES_PLUS_TAG and "+" in local:
        local = local.split("+", 1)[0] or local
    if domain in IGNORES_DOTS:
        local = local.replace(".", "") or local
    return f"{local}@{domain}"


def domain_problem(email: str) -> str | None:
    """Why a signer's address cannot be a mailbox on the internet, or None.

    Refused: ``localhost`` (and names under it), a domain of one label (no dot), an address
    literal (``user@[127.0.0.1]``) and a bare IP address (``user@127.0.0.1``). Such addresses
    only reach machines of ours or of the sender's network, never a signer.
    """
    domain = email.strip().rpartition("@")[2].rstrip(".")
    if domain.startswith("["):
        return "literal"
    try:
        ipaddress.ip_address(domain)
    except ValueError:
        pass
    else:
        return "ip"
    ascii_name = ascii_domain(domain)
    if ascii_name == "localhost" or ascii_name.endswith(".localhost"):
        return "localhost"
    if "." not in ascii_name:
        return "single-label"
    return None
