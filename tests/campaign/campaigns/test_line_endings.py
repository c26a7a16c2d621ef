"""Text fields keep their paragraphs whatever the line endings: the browser's \\r\\n through the
admin, a script's \\r through the ORM."""

from __future__ import annotations

import html
from html.parser import HTMLParser

import pytest

from campaign.campaigns.content import campaign_translation
from campaign.campaigns.models import CampaignTranslation
from campaign.core.markup import split_paragraphs

EU = "banfacialrecognitioneu"
TEXT_FIELDS = ["lead", "ask", "why", "petition_text"]


class FormReader(HTMLParser):
    """The values a browser would submit from the admin's change form: textareas with \\r\\n
    line endings (as HTML requires), checked boxes, selected options."""

    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.data: dict[str, str] = {}
        self._textarea: str | None = None
        self._select: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in {"submit", "button"}:
            if a.get("type") == "checkbox":
                if "checked" in a:
                    self.data[name] = a.get("value", "on")
            else:
                self.data[name] = html.unescape(a.get("value") or "")
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self.data[self._select] = html.unescape(a.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea:
            text = html.unescape("".join(self._text))
            text = text.removeprefix("\r\n").removeprefix("\n")  # the parser drops it too
            self.data[self._textarea] = text.replace("\r\n", "\n").replace("\n", "\r\n")
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)

    def handle_entityref(self, name):
        self.handle_data(f"&{name};")

    def handle_charref(self, name):
        self.handle_data(f"&#{name};")


def paragraph_counts(row: CampaignTranslation) -> dict[str, int]:
    return {name: len(split_paragraphs(getattr(row, name))) for name in TEXT_FIELDS}


@pytest.fixture
def polish(campaigns):
    row = CampaignTranslation.objects.get(campaign__slug=EU, language="pl")
    # As many paragraphs as the real Polish text had when the admin cut them to 9.
    row.why = "\n\n".join(f"Akapit {n}. Zdanie o rozpoznawaniu twarzy." for n in range(1, 19))
    row.save()
    return row


def test_saving_the_polish_translation_in_the_admin_without_a_change_keeps_every_paragraph(
    client, admin_user, polish
):
    client.force_login(admin_user)
    url = f"/admin/campaign/campaigntranslation/{polish.pk}/change/"
    # Outdated before, so a save that thought the texts changed would mark it up to date.
    CampaignTranslation.objects.filter(pk=polish.pk).update(source_hash="x")
    before = CampaignTranslation.objects.get(pk=polish.pk)
    letter_before = campaign_translation(before.campaign, "pl").petition_paragraphs
    assert paragraph_counts(before)["why"] == 18

    reader = FormReader()
    reader.feed(client.get(url).content.decode())
    assert "\r\n\r\n" in reader.data["why"]  # what a browser sends
    response = client.post(url, {**reader.data, "_save": "Save"})
    assert response.status_code == 302, response.content.decode()[:2000]

    after = CampaignTranslation.objects.get(pk=polish.pk)
    assert paragraph_counts(after) == paragraph_counts(before)
    assert paragraph_counts(after)["why"] == 18
    assert {name: getattr(after, name) for name in TEXT_FIELDS} == {
        name: getattr(before, name) for name in TEXT_FIELDS
    }
    assert "\r" not in after.why + after.petition_text
    # Nothing changed, so nothing was recorded as translated anew.
    assert (after.source_hash, after.source_field_hashes) == ("x", before.source_field_hashes)
    # The delivery letters print the petition text paragraph by paragraph.
    assert campaign_translation(after.campaign, "pl").petition_paragraphs == letter_before


def test_every_save_stores_newline_line_endings(polish):
    polish.why = "Jeden.\r\n\r\nDwa.\r\rTrzy.\r\n \r\nCztery."
    polish.petition_text = "A.\r\n\r\nB."
    polish.save()
    polish.refresh_from_db()
    assert polish.why == "Jeden.\n\nDwa.\n\nTrzy.\n \nCztery."
    assert polish.why_paragraphs == ["Jeden.", "Dwa.", "Trzy.", "Cztery."]
    assert polish.petition_paragraphs == ["A.", "B."]
