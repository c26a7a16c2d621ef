"""Lighthouse scores of the two launch campaign pages, mobile and desktop (run by hand).

    DATABASE_URL=postgres://…/campaign PORT=8150 make serve   # a DEBUG=0 server, elsewhere
    python -m bench lighthouse                                 # against http://127.0.0.1:8150
    LIGHTHOUSE_SITE=http://127.0.0.1:8000 python -m bench lighthouse

Not part of `make bench` (it needs npm the first time) and never a test. Installs npm
lighthouse@12.2.3 into bench/.lighthouse when missing, runs it on the system Chromium
(CHROME_PATH, default /usr/bin/chromium) headless, prints the four category scores of each run
and, for a category below 100, the audits that cost points. Loopback only: the site must be a
local one.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from urllib.parse import urlsplit

from bench.common import BASE_DIR

VERSION = "12.2.3"
FOLDER = BASE_DIR / "bench" / ".lighthouse"
PROGRAM = FOLDER / "node_modules" / ".bin" / "lighthouse"
SITE = os.environ.get("LIGHTHOUSE_SITE", "http://127.0.0.1:8150")
CHROME = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
PAGES = ["/pt-br/tiremeurostodasuamira/", "/en/banfacialrecognitioneu/"]
FORM_FACTORS = ["mobile", "desktop"]
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]


def installed_version() -> str | None:
    manifest = FOLDER / "node_modules" / "lighthouse" / "package.json"
    if not (PROGRAM.exists() and manifest.exists()):
        return None
    return json.loads(manifest.read_text())["version"]


def install() -> None:
    if installed_version() == VERSION:
        return
    print(f"Installing lighthouse@{VERSION} into {FOLDER} ...", flush=True)
    FOLDER.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            "npm",
            "install",
            "--prefix",
            str(FOLDER),
            "--no-audit",
            "--no-fund",
            f"lighthouse@{VERSION}",
        ],
        check=True,
    )


def audit(url: str, form_factor: str) -> dict:
    """One Lighthouse run; returns its JSON report."""
    command = [
        str(PROGRAM),
        url,
        "--output=json",
        "--output-path=stdout",
        "--quiet",
        "--chrome-flags=--headless=new --no-sandbox",
        f"--only-categories={','.join(CATEGORIES)}",
    ]
    if form_factor == "desktop":
        command.append("--preset=desktop")
    out = subprocess.run(
        command,
        env={**os.environ, "CHROME_PATH": CHROME},
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    ).stdout
    return json.loads(out)


def scores(report: dict) -> dict[str, int]:
    return {name: round(100 * (report["categories"][name]["score"] or 0)) for name in CATEGORIES}


def lost_points(report: dict, category: str) -> list[str]:
    """The audits of a category that did not pass, with what Lighthouse shows for them."""
    lost = []
    for ref in report["categories"][category]["auditRefs"]:
        result = report["audits"][ref["id"]]
        if ref["weight"] > 0 and result["score"] is not None and result["score"] < 1:
            shown = result.get("displayValue", "")
            lost.append(f"{ref['id']} ({result['score']:.2f}{', ' + shown if shown else ''})")
    return lost


def main() -> int:
    host = urlsplit(SITE).hostname or ""
    if not (host.startswith("127.") or host in ("localhost", "::1")):
        raise SystemExit(f"LIGHTHOUSE_SITE must be a loopback address, not {SITE}")
    install()
    print(f"Lighthouse {VERSION} on {CHROME}, site {SITE}", flush=True)
    print(f"{'page':<34} {'form':<8} " + " ".join(f"{c:>14}" for c in CATEGORIES), flush=True)
    below = 0
    for path in PAGES:
        for form_factor in FORM_FACTORS:
            report = audit(SITE + path, form_factor)
            got = scores(report)
            print(
                f"{path:<34} {form_factor:<8} " + " ".join(f"{got[c]:>14}" for c in CATEGORIES),
                flush=True,
            )
            for category in CATEGORIES:
                if got[category] < 100:
                    below += 1
                    print(f"    {category}: {', '.join(lost_points(report, category))}", flush=True)
    print("All categories 100." if not below else f"{below} category scores below 100.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
