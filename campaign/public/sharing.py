"""Plain share links: no third-party script runs on our pages."""

from __future__ import annotations

import re
from urllib.parse import quote, urlencode

from django.utils.translation import pgettext


def share_links(*, url: str, text: str, subject: str) -> list[dict[str, str]]:
    message = f"{text} {url}"
    return [
        {
            "id": "whatsapp",
            "name": "WhatsApp",
            "href": "https://wa.me/?" + urlencode({"text": message}),
        },
        {
            "id": "telegram",
            "name": "Telegram",
            "href": "https://t.me/share/url?" + urlencode({"url": url, "text": text}),
        },
        {
            "id": "x",
            "name": "X",
            "href": "https://x.com/intent/post?" + urlencode({"text": text, "url": url}),
        },
        {
            "id": "facebook",
            "name": "Facebook",
            "href": "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": url}),
        },
        {
            "id": "bluesky",
            "name": "Bluesky",
            "href": "https://bsky.app/intent/compose?" + urlencode({"text": message}),
        },
        {
            "id": "email",
            "name": pgettext("share link", "Email"),
            "href": f"mailto:?subject={quote(subject)}&body={quote(message)}",
        },
    ]


# Top-level domains that never name a public server (RFC 2606, 6761, 6762, 7686, 9476 and
# the common private-network suffixes).
NON_PUBLIC_TLDS = frozenset(
    {"alt", "arpa", "corp", "example", "home", "internal", "intranet", "invalid", "lan",
     "local", "localdomain", "localhost", "onion", "private", "test"}
)  # fmt: skip
MASTODON_USER = re.compile(r"^[a-z0-9_]+(?:[a-z0-9_.-]+[a-z0-9_]+)?$")
HOST_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
TOP_LEVEL_LABEL = re.compile(r"^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$")


def mastodon_host(instance: str) -> str | None:
    """The plain public host name in what a supporter typed, or None.

    Takes ``mastodon.social``, ``https://mastodon.social/`` or an account such as
    ``@me@mastodon.social``; refuses anything else: IP addresses, ports, paths, user info,
    single-label or private names (``localhost``, ``*.internal``).
    """
    text = instance.strip().lower().removeprefix("https://").removesuffix("/")
    if text.count("@") == 2 and text.startswith("@"):
        text = text[1:]
    if text.count("@") == 1:
        user, text = text.split("@")
        if not MASTODON_USER.match(user):
            return None
    try:
        host = text.encode("idna").decode("ascii") if not text.isascii() else text
    except UnicodeError:
        return None
    labels = host.split(".")
    if (
        len(host) > 253
        or len(labels) < 2
        or not all(HOST_LABEL.match(label) for label in labels)
        or not TOP_LEVEL_LABEL.match(labels[-1])
        or labels[-1] in NON_PUBLIC_TLDS
    ):
        return None
    return host


def mastodon_share_url(*, host: str, text: str, url: str) -> str:
    """The share page on a supporter's Mastodon server (a host from ``mastodon_host``)."""
    return f"https://{host}/share?" + urlencode({"text": f"{text} {url}"})
