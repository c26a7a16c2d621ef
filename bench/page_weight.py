"""First-load weight of every campaign page in every language it offers (run by hand).

    python -m bench page_weight              # starts a `make serve`-like server of its own
    PAGE_WEIGHT_SITE=http://127.0.0.1:8000 python -m bench page_weight   # a running one

Fetches the home page to find the campaigns, then each campaign page in each language it
links (hreflang), with ``Accept-Encoding: br, gzip`` as a browser without zstd sends it, then
every subresource the HTML makes a browser load: stylesheets, scripts, icons, images, the
``srcset`` candidate a browser picks for a 390 px phone (device pixel ratio 2) and for a
1366 px screen (ratio 1), and anything a stylesheet loads with ``url(…)``. Bytes are the
bodies as sent (compressed where the server compresses), without headers. The budget is
60 KB (61,440 bytes) per page and screen; the script exits 1 when a page is over it.
Part of `make bench`; never a test.
"""

from __future__ import annotations

import gzip
import os
import re
import sys
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import brotli

from bench.common import Server, database_url, get_raw

BUDGET = 60 * 1024
ACCEPT_ENCODING = "br, gzip"
SCREENS = {"phone 390 px": (390, 2), "desktop 1366 px": (1366, 1)}
REM = 16


class Page(HTMLParser):
    """What a browser would load from an HTML page, and its links to other languages."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stylesheets: list[str] = []
        self.scripts: list[str] = []
        self.icons: list[str] = []
        self.images: list[dict] = []  # {"src", "srcset", "sizes"} of <img> (after <source>s)
        self.sources: list[dict] = []
        self.alternates: dict[str, str] = {}
        self.in_picture = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        rel = (a.get("rel") or "").split()
        if tag == "link" and "stylesheet" in rel:
            self.stylesheets.append(a["href"])
        elif tag == "link" and "icon" in rel and a.get("type") == "image/svg+xml":
            self.icons.append(a["href"])  # browsers that read SVG icons take it over the .ico
        elif tag == "link" and "alternate" in rel and a.get("hreflang"):
            self.alternates[a["hreflang"]] = a["href"]
        elif tag == "script" and a.get("src"):
            self.scripts.append(a["src"])
        elif tag == "picture":
            self.in_picture, self.sources = True, []
        elif tag == "source" and self.in_picture:
            self.sources.append(a)
        elif tag == "img":
            # A <picture>'s first <source> of a type every current browser reads wins.
            chosen = self.sources[0] if self.in_picture and self.sources else a
            self.images.append(
                {
                    "src": a.get("src", ""),
                    "srcset": chosen.get("srcset", ""),
                    "sizes": chosen.get("sizes", a.get("sizes", "")),
                }
            )

    def handle_endtag(self, tag):
        if tag == "picture":
            self.in_picture = False


def decoded(headers, body: bytes) -> bytes:
    encoding = (headers.get("Content-Encoding") or "").lower()
    if encoding == "br":
        return brotli.decompress(body)
    if encoding == "gzip":
        return gzip.decompress(body)
    return body


def length(value: str, viewport: int) -> float:
    value = value.strip()
    number = float(re.match(r"[\d.]+", value).group()) if re.match(r"[\d.]+", value) else 100
    if value.endswith("vw"):
        return viewport * number / 100
    if value.endswith(("rem", "em")):
        return number * REM
    if value.endswith("px"):
        return number
    return viewport  # calc() and the rest: the full width, the browser's own fallback


def slot_width(sizes: str, viewport: int) -> float:
    """The width ``sizes`` gives an image at ``viewport`` (min-/max-width conditions only)."""
    for entry in [part.strip() for part in sizes.split(",") if part.strip()]:
        condition = re.match(r"\((min|max)-width:\s*([\d.]+(?:px|rem|em))\)\s*(.+)", entry)
        if not condition:
            return length(entry, viewport)
        kind, limit, size = condition.groups()
        limit_px = length(limit, viewport)
        if (kind == "min" and viewport >= limit_px) or (kind == "max" and viewport <= limit_px):
            return length(size, viewport)
    return viewport


def chosen_image(image: dict, viewport: int, ratio: int) -> str:
    """The URL a browser loads for an <img>/<picture> at this screen: the smallest ``w``
    candidate at least as wide as the slot times the pixel ratio, else the widest."""
    if not image["srcset"]:
        return image["src"]
    candidates = []
    for part in image["srcset"].split(","):
        bits = part.split()
        if len(bits) == 2 and bits[1].endswith("w"):
            candidates.append((int(bits[1][:-1]), bits[0]))
        elif bits:
            candidates.append((0, bits[0]))
    need = slot_width(image["sizes"] or "100vw", viewport) * ratio
    wide_enough = sorted(c for c in candidates if c[0] >= need)
    return (wide_enough[0] if wide_enough else max(candidates))[1]


def fetch(url: str) -> tuple[int, bytes]:
    """Bytes on the wire and the decoded body."""
    status, headers, body = get_raw(url, headers={"Accept-Encoding": ACCEPT_ENCODING})
    if status != 200:
        raise SystemExit(f"{url} answered {status}")
    return len(body), decoded(headers, body)


def weigh(url: str) -> dict[str, dict[str, int]]:
    """Bytes per kind of resource for each screen."""
    html_bytes, html = fetch(url)
    page = Page()
    page.feed(html.decode())
    shared = {"html": html_bytes, "css": 0, "js": 0, "images": 0}
    for href in page.stylesheets:
        size, css = fetch(urljoin(url, href))
        shared["css"] += size
        for inner in re.findall(r"url\(['\"]?([^'\")]+)", css.decode()):
            if not inner.startswith("data:"):
                shared["images"] += fetch(urljoin(urljoin(url, href), inner))[0]
    for src in page.scripts:
        shared["js"] += fetch(urljoin(url, src))[0]
    for href in page.icons:
        shared["images"] += fetch(urljoin(url, href))[0]
    result = {}
    for screen, (viewport, ratio) in SCREENS.items():
        images = sum(
            fetch(urljoin(url, chosen_image(image, viewport, ratio)))[0] for image in page.images
        )
        result[screen] = {**shared, "images": shared["images"] + images}
    return result


def pages(site: str) -> list[str]:
    """Every campaign page in every language it offers, found from the English home page."""
    _size, html = fetch(f"{site}/en/")
    found = []
    for href in dict.fromkeys(re.findall(r'<h2><a href="([^"#]+)"', html.decode())):
        _size, body = fetch(urljoin(site + "/", href))
        campaign = Page()
        campaign.feed(body.decode())
        urls = sorted({u for lang, u in campaign.alternates.items() if lang != "x-default"})
        found += [urlsplit(u).path for u in urls] or [href]
    return found


def report(site: str) -> int:
    print(f"First load of each campaign page, Accept-Encoding: {ACCEPT_ENCODING}; bytes as sent")
    print("| page | screen | HTML | CSS | JS | images | total |")
    print("|---|---|--:|--:|--:|--:|--:|")
    over = 0
    totals = []
    for path in pages(site):
        for screen, parts in weigh(site + path).items():
            total = sum(parts.values())
            totals.append(total)
            over += total > BUDGET
            print(
                f"| {path} | {screen} | {parts['html']:,} | {parts['css']:,} | {parts['js']:,} "
                f"| {parts['images']:,} | {total:,}{' **over**' if total > BUDGET else ''} |",
                flush=True,
            )
    print(
        f"\n{len(totals)} page loads, largest {max(totals):,} bytes, smallest {min(totals):,}; "
        f"budget {BUDGET:,}: {'all within' if not over else f'{over} over'}."
    )
    return 1 if over else 0


def main() -> int:
    if site := os.environ.get("PAGE_WEIGHT_SITE"):
        host = urlsplit(site).hostname or ""
        if not (host.startswith("127.") or host in ("localhost", "::1")):
            raise SystemExit(f"PAGE_WEIGHT_SITE must be a loopback address, not {site}")
        return report(site.rstrip("/"))
    with Server(database=database_url("bench_page_weight")) as server:
        return report(server.url)


if __name__ == "__main__":
    sys.exit(main())
