"""Plain share links: no third-party script runs on our pages."""

from __future__ import annotations

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


def mastodon_share_url(*, instance: str, text: str, url: str) -> str | None:
    """The share URL on the supporter's own Mastodon server, or None for a bad host name."""
    host = instance.strip().lower().removeprefix("https://").removeprefix("http://").strip("/")
    host = host.split("/")[0].split("@")[-1]
    if not host or "." not in host or not all(ch.isalnum() or ch in ".-" for ch in host):
        return None
    return f"https://{host}/share?" + urlencode({"text": f"{text} {url}"})
