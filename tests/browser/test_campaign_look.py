"""The campaign look in a real browser: home cards, the wide layout with its sticky form, the
phone layout's order, the map's table, share links before signing, and axe at 320 and 1366 px;
all without a cookie or a request to another host."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from petitions.reporting.counting import reconcile_counts
from tests import factories
from tests.browser.test_accessibility import axe_violations

BR = "tiremeurostodasuamira"
EU = "banfacialrecognitioneu"


@pytest.fixture
def counted(campaigns):
    petition = campaigns[EU].petition
    for country in ("DE", "DE", "FR", "CH"):
        factories.signature(petition=petition, country=country)
    reconcile_counts(petition=petition)


def only_own_host(page, site) -> list[str]:
    """Record every request the page makes to another host."""
    foreign: list[str] = []
    own = urlsplit(site).netloc
    page.on("request", lambda r: foreign.append(r.url) if urlsplit(r.url).netloc != own else None)
    return foreign


def test_home_cards_show_count_progress_and_lead_to_the_form(page_factory, site, counted):
    page = page_factory(width=1366, height=768)
    foreign = only_own_host(page, site)
    page.goto(f"{site}/en/")
    cards = page.locator("li.card")
    assert cards.count() == 2
    eu = page.locator(f"li.card.accent-{EU}")
    assert eu.locator(".count-number").inner_text() == "4 signatures of 250,000"
    assert eu.locator("progress").get_attribute("aria-labelledby") == f"count-{EU}"
    # The accent stylesheet gives each card its colour: the seeds' EU blue and Brazil green.
    top = eu.evaluate("e => getComputedStyle(e).borderTopColor")
    assert top == "rgb(0, 51, 153)"
    br_top = page.locator(f"li.card.accent-{BR}").evaluate(
        "e => getComputedStyle(e).borderTopColor"
    )
    assert br_top == "rgb(0, 112, 60)"
    # Side by side on a wide screen.
    first, second = (cards.nth(i).bounding_box() for i in range(2))
    assert first["y"] == second["y"] and first["x"] < second["x"]
    eu.get_by_role("link", name="Sign the petition").click()
    page.wait_for_url(f"**/en/{EU}/#sign")
    assert page.locator("#sign").is_visible()
    assert foreign == []
    assert page.context.cookies() == []


def test_home_cards_stack_on_a_phone(page_factory, site, campaigns):
    page = page_factory(width=320, height=640)
    page.goto(f"{site}/en/")
    first, second = (page.locator("li.card").nth(i).bounding_box() for i in range(2))
    assert first["x"] == second["x"] and first["y"] < second["y"]
    assert page.evaluate("document.documentElement.scrollWidth") == 320


def test_wide_layout_puts_the_form_beside_the_text_and_keeps_it_in_view(page_factory, site):
    page = page_factory(width=1920, height=1080)
    page.goto(f"{site}/en/{EU}/")
    form = page.locator("#sign")
    text = page.locator(".text")
    assert form.bounding_box()["x"] > text.bounding_box()["x"] + text.bounding_box()["width"]
    assert form.evaluate("e => getComputedStyle(e).position") == "sticky"
    page.mouse.wheel(0, 2000)
    page.wait_for_function("window.scrollY > 1000")
    assert 0 <= form.bounding_box()["y"] < 100  # still in view, pinned near the top
    # About 70 characters a line in the text column.
    assert text.bounding_box()["width"] < 760


def test_a_form_taller_than_the_window_does_not_stick(page_factory, site):
    page = page_factory(width=1366, height=600)
    page.goto(f"{site}/pt-br/{BR}/")
    assert page.locator("#sign").evaluate("e => getComputedStyle(e).position") == "static"


def test_without_javascript_the_wide_layout_stays_but_nothing_sticks(page_factory, site):
    page = page_factory(width=1920, height=1080, javascript=False)
    page.goto(f"{site}/en/{EU}/")
    form = page.locator("#sign")
    assert form.evaluate("e => getComputedStyle(e).position") == "static"
    assert form.bounding_box()["x"] > page.locator(".text").bounding_box()["x"]
    # The copy button needs the script; the page's address stays a plain link.
    assert page.locator("button.copy").is_hidden()
    assert page.get_by_role("link", name="Link to this page").get_attribute("href") == (
        f"{site}/en/{EU}/"
    )


def test_phone_layout_is_one_column_with_the_form_after_lead_count_and_share(page_factory, site):
    page = page_factory(width=320, height=640)
    page.goto(f"{site}/pt-br/{BR}/")
    assert page.evaluate("document.documentElement.scrollWidth") == 320
    order = [
        page.locator(selector).bounding_box()["y"]
        for selector in ("h1", ".lead", ".count", ".share-box", "#sign", ".text")
    ]
    assert order == sorted(order)
    xs = {round(page.locator(s).bounding_box()["x"]) for s in (".lead", "#sign", ".text")}
    assert xs == {16}


def test_map_has_titles_and_a_table_alternative(page_factory, site, counted):
    page = page_factory(width=1366, height=768)
    page.goto(f"{site}/en/{EU}/")
    svg = page.locator("svg.tile-map")
    assert svg.get_attribute("role") == "img"
    assert svg.locator("rect").count() == 27
    assert svg.locator("title", has_text="Germany: 2").count() == 1
    page.get_by_text("Table of the counts").click()
    rows = page.locator("table.counts tbody tr")
    assert rows.count() == 28
    assert rows.nth(0).inner_text().split("\t") == ["Germany", "2"]
    assert rows.nth(1).inner_text().split("\t") == ["France", "1"]
    assert rows.nth(27).inner_text().split("\t") == ["Other countries", "1"]


def test_share_links_before_signing_and_copy_the_address(page_factory, site, browser):
    page = page_factory(width=390, height=800)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    foreign = only_own_host(page, site)
    page.goto(f"{site}/en/{EU}/")
    share = page.locator(".share-box")
    assert share.bounding_box()["y"] < page.locator("#sign").bounding_box()["y"]
    names = share.locator("a").all_inner_texts()
    assert names == [
        "WhatsApp", "Telegram", "X", "Facebook", "Bluesky", "Email", "Mastodon",
        "Link to this page",
    ]  # fmt: skip
    share.get_by_role("button", name="Copy the link").click()
    assert page.locator(".copy-status").inner_text() == "Copied."
    assert page.evaluate("navigator.clipboard.readText()") == f"{site}/en/{EU}/"
    share.get_by_role("link", name="Mastodon").click()
    page.wait_for_url(f"**/en/{EU}/share/mastodon/")
    assert foreign == []
    assert page.context.cookies() == []


@pytest.mark.parametrize("width", [320, 1366])
@pytest.mark.parametrize("path", ["/en/", f"/en/{EU}/", f"/pt-br/{BR}/"])
def test_axe_finds_nothing(page_factory, site, counted, width, path):
    page = page_factory(width=width, height=768)
    page.goto(site + path)
    if page.locator("details:has(table.counts)").count():
        page.locator("details:has(table.counts) > summary").click()
    assert axe_violations(page) == []
