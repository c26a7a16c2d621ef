"""The section fields in the translation workspace and the content tab: labelled, their
formats explained, and a text that breaks a format refused with the message at its field."""

from __future__ import annotations

import re

import pytest

from campaign.campaigns.models import CampaignMembership, CampaignTranslation, Role
from campaign.campaigns.translations import SOURCE_FIELDS
from tests.campaign.organize.conftest import EU, login, make_user

SECTIONS = {
    "sources": "Report | EDRi | 2020-05 | https://edri.org/report\r\n"
    "Act | Official Journal | 2024-07-12 | https://eur-lex.europa.eu/eli/reg/2024/1689/oj",
    "faq": "### Is it banned?\r\n\r\nNot entirely [2].",
    "myths": "### It makes us safer.\r\n\r\nNo evidence [1].",
    "timeline": "2020-05 | Report [1].\r\n\r\n2024-07-12 | Act [2].",
    "resources": "### Kit\r\n\r\n[Get it](https://example.org/kit).",
    "contact": "### Press\r\n\r\nWrite to us.",
}


@pytest.fixture(autouse=True)
def _totp_tolerance(settings):
    settings.MFA_TOTP_TOLERANCE = 1


SECTION_NAMES = ("sources", "faq", "myths", "timeline", "resources", "contact")


def row(language: str) -> CampaignTranslation:
    return CampaignTranslation.objects.get(campaign__slug=EU, language=language)


def form_values(language: str, **changes: str) -> dict[str, str]:
    translation = row(language)
    values = {name: getattr(translation, name).replace("\n", "\r\n") for name in SOURCE_FIELDS}
    # The seeded sections cite the seeded sources: start from none, so each test's own count.
    uncited = {"why": "Reasons.", **dict.fromkeys(SECTION_NAMES, "")}
    return {**values, **uncited, **changes}


def field_errors(html: str, name: str) -> list[str]:
    block = re.search(rf'<div id="error-{name}">(.*?)</div>', html, re.S)
    return re.findall(r'<p class="error">(.*?)</p>', block.group(1)) if block else []


def test_translation_workspace_labels_and_explains_the_section_fields(client, cast):
    login(client, cast["organizer"])
    response = client.get(f"/organize/{EU}/translations/de/")
    page = response.content.decode()
    labels = {item["field"].name: str(item["field"].label) for item in response.context["fields"]}
    assert {name: labels[name] for name in SECTIONS} == {
        "sources": "Sources",
        "faq": "Questions and answers",
        "myths": "Myths and facts",
        "timeline": "Timeline",
        "resources": "Resources and toolkit",
        "contact": "Contact, press and imprint",
    }
    assert (
        '<p class="small" id="help-sources">One source per line: title | publisher | date | '
        "address. The date is YYYY, YYYY-MM or YYYY-MM-DD, or nothing. Texts cite a source by "
        "its number: [1], [2], …</p>"
    ) in page
    assert 'aria-describedby="source-faq help-faq formatting-help"' in page
    assert 'aria-describedby="source-sources help-sources"' in page


def test_translation_with_broken_formats_is_refused_next_to_each_field(client, cast):
    login(client, cast["organizer"])
    before = row("de")
    values = form_values(
        "de",
        sources="Report | EDRi | 2020-05 | javascript:alert(1)",
        faq="Intro.\r\n### Frage?\r\n\r\nAntwort [3].",
        timeline="Mai 2020 | Bericht.",
        why="Gründe.\r\n\r\nBelegt [2].",
    )
    response = client.post(f"/organize/{EU}/translations/de/", values)
    assert response.status_code == 400
    page = response.content.decode()
    assert field_errors(page, "sources") == [
        "Source 1: the address must start with https:// or http://."
    ]
    assert field_errors(page, "faq") == [
        "Start each item with a line “### ” and its heading; there is text before the first one.",
        "[3] cites source 3, but there is no such source.",
    ]
    assert field_errors(page, "timeline") == [
        "“Mai 2020” is not a date: write YYYY, YYYY-MM or YYYY-MM-DD."
    ]
    assert field_errors(page, "why") == ["[2] cites source 2, but there is no such source."]
    assert field_errors(page, "myths") == []
    assert re.search(r'<textarea[^>]*aria-describedby="source-faq error-faq help-faq', page)
    assert row("de").updated_at == before.updated_at  # nothing saved


def test_translation_with_well_formed_sections_is_saved(client, cast):
    login(client, cast["organizer"])
    response = client.post(f"/organize/{EU}/translations/de/", form_values("de", **SECTIONS))
    assert response.status_code == 302
    german = row("de")
    assert german.faq == "### Is it banned?\n\nNot entirely [2]."
    assert german.sources == SECTIONS["sources"].replace("\r\n", "\n")


def test_content_tab_checks_the_primary_texts_formats_too(client, campaigns):
    owner = make_user("owner@example.org")
    CampaignMembership.objects.create(user=owner, campaign=campaigns[EU], role=Role.OWNER)
    login(client, owner)
    url = f"/organize/{EU}/content/"
    page = client.get(url).content.decode()
    assert '<label for="id_timeline">Timeline:</label>' in page
    assert "One milestone per paragraph, oldest first: date | what happened." in page
    response = client.post(url, form_values("en", myths="### Myth only", timeline="2020-02-30 | x"))
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "myths": ["“Myth only”: each item needs a heading after “### ” and a text below it."],
        "timeline": ["“2020-02-30” is not a date: write YYYY, YYYY-MM or YYYY-MM-DD."],
    }
    response = client.post(url, form_values("en", **SECTIONS))
    assert response.status_code == 302
    assert row("en").timeline == "2020-05 | Report [1].\n\n2024-07-12 | Act [2]."
