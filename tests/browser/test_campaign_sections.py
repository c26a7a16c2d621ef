"""The campaign site's sections in a browser: each present one listed "On this page", an FAQ
answer opened from the keyboard, a citation that takes the reader to its source, and no
WCAG 2.2 AA violation on a phone's width or a laptop's."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from campaign.campaigns.models import CampaignTranslation
from tests.browser.test_accessibility import axe_violations

EU = "banfacialrecognitioneu"
# A small, realistic fixture in the stored formats (formats.md); not the campaign's content.
SECTIONS = {
    "why": "Police forces in at least 15 European countries have used facial recognition [1].\n\n"
    "The AI Act bans some real-time uses in public spaces, with broad exceptions [2].",
    "sources": "Facial recognition in public spaces: the state of play | European Digital "
    "Rights (EDRi) | 2020-05 | https://edri.org/\n"
    "Regulation (EU) 2024/1689 (Artificial Intelligence Act) | Official Journal of the "
    "European Union | 2024-07-12 | https://eur-lex.europa.eu/eli/reg/2024/1689/oj",
    "faq": "### Doesn't the AI Act already ban it?\n\n"
    "Only in part: it allows real-time identification for a list of serious crimes [2].\n\n"
    "### Who can sign?\n\nAnyone who lives in the EU or is a citizen of a member state.",
    "myths": "### Facial recognition makes streets safer.\n\n"
    "No study has shown that it prevents crime; it has led to wrongful arrests [1].",
    "timeline": "2020-05 | Civil society documents deployments in 15 countries [1].\n\n"
    "2024-07-12 | The AI Act is published [2].",
    "resources": "### Campaign toolkit\n\n"
    "Posters and texts to share: [download the toolkit](https://example.org/toolkit).",
    "contact": "### Press\n\nWrite to [press@example.org](mailto:press@example.org).",
}
SECTION_IDS = ["sources", "faq", "myths", "timeline", "resources", "contact"]
SHOTS = Path(os.environ.get("SCREENSHOT_DIR", ""))


@pytest.fixture
def eu_sections(campaigns):
    CampaignTranslation.objects.filter(campaign__slug=EU, language="en").update(**SECTIONS)


def shot(page, name: str) -> None:
    if os.environ.get("SCREENSHOT_DIR"):
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_sections_are_listed_linked_and_usable_from_the_keyboard(page_factory, site, eu_sections):
    page = page_factory(javascript=False)
    page.goto(f"{site}/en/{EU}/")
    nav = page.locator("nav.on-this-page a")
    assert [nav.nth(i).get_attribute("href") for i in range(nav.count())] == [
        f"#{name}" for name in SECTION_IDS
    ]
    assert nav.all_inner_texts() == [
        "Why it matters",
        "Questions and answers",
        "Myths and facts",
        "Timeline",
        "Resources and toolkit",
        "Contact, press and imprint",
    ]
    for name in SECTION_IDS:
        section = page.locator(f"section#{name}")
        heading = page.locator(f"#{section.get_attribute('aria-labelledby')}")
        assert heading.evaluate("h => h.tagName") == "H2"
    assert page.locator(".myths .myth .label").inner_text() == "Myth"
    assert page.locator(".myths .fact .label").inner_text() == "Fact"
    assert page.locator(".timeline time").evaluate_all(
        "ts => ts.map(t => [t.getAttribute('datetime'), t.textContent])"
    ) == [["2020-05", "May 2020"], ["2024-07-12", "July 12, 2024"]]
    # Without JavaScript, a question opens from the keyboard and shows its answer.
    answer = page.locator("#faq details").first.locator(".answer")
    assert not answer.is_visible()
    page.locator("#faq summary").first.focus()
    page.keyboard.press("Enter")
    assert answer.is_visible()
    assert "Only in part" in answer.inner_text()
    # A citation takes the reader to its numbered source, which links back to the text.
    page.locator("#sources .cite a").nth(1).click()
    assert page.url.endswith("#source-2")
    source = page.locator("#source-2")
    assert source.evaluate("li => li.matches(':target')")
    assert source.is_visible()
    assert "Regulation (EU) 2024/1689" in source.inner_text()
    assert source.locator("a[rel='nofollow noopener']").get_attribute("href") == (
        "https://eur-lex.europa.eu/eli/reg/2024/1689/oj"
    )
    assert source.locator("a.backlink").get_attribute("href") == "#cite-2"
    shot(page, "sections-1366-citation")


@pytest.mark.parametrize("width", [320, 1366])
def test_sections_have_no_wcag_violations(page_factory, site, eu_sections, width):
    page = page_factory(width=width)
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(f"{site}/en/{EU}/")
    page.locator("#faq summary").first.click()
    assert axe_violations(page) == []
    assert all(url.startswith(site) for url in requested), requested
    overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    assert overflow is False
    shot(page, f"sections-{width}")
