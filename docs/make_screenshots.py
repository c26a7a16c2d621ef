"""Take the README's phone screenshots of campaign pages (360×740 CSS pixels) in Chromium.

Run against a running site, e.g. `make run` in one terminal, then:

    .venv/bin/python docs/make_screenshots.py [--base-url http://127.0.0.1:8000]

Writes docs/screenshot-pt-br.png and docs/screenshot-<lang>.png for the first of pl, de that
the EU campaign is offered in (a language without content redirects to the primary one).
"""

from __future__ import annotations

import argparse
import os
import shutil
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import sync_playwright

DOCS = Path(__file__).resolve().parent
PAGES = [
    [("pt-br", "/pt-br/tiremeurostodasuamira/")],
    [("pl", "/pl/banfacialrecognitioneu/"), ("de", "/de/banfacialrecognitioneu/")],
]
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", default=os.environ.get("BASE_URL", "http://127.0.0.1:8000"))
    parser.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    options = parser.parse_args()
    base = options.base_url.rstrip("/")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=options.chromium, args=ARGS)
        page = browser.new_page(viewport={"width": 360, "height": 740}, device_scale_factor=1)
        for candidates in PAGES:
            shown = None
            for language, path in candidates:
                page.goto(base + path, wait_until="networkidle")
                if urlsplit(page.url).path == path:
                    shown = language
                    break
            if shown is None:
                raise SystemExit(f"none of {[p for _l, p in candidates]} is offered")
            target = DOCS / f"screenshot-{shown}.png"
            page.screenshot(path=str(target))
            print(f"wrote {target.relative_to(DOCS.parent)} from {page.url}")
        browser.close()


if __name__ == "__main__":
    main()
