"""The campaign site's section fields in the organizer forms: their labels, the help that
shows each stored format, and the format checks (campaign/campaigns/sections.py) that put a
message next to the field at fault. The content tab and the translation workspace share them."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from campaign.campaigns import sections

SECTION_LABELS = {
    "sources": gettext_lazy("Sources"),
    "faq": gettext_lazy("Questions and answers"),
    "myths": gettext_lazy("Myths and facts"),
    "timeline": gettext_lazy("Timeline"),
    "resources": gettext_lazy("Resources and toolkit"),
    "contact": gettext_lazy("Contact, press and imprint"),
}
SECTION_HELP = {
    "sources": gettext_lazy(
        "One source per line: title | publisher | date | address. The date is YYYY, YYYY-MM "
        "or YYYY-MM-DD, or nothing. Texts cite a source by its number: [1], [2], …"
    ),
    "faq": gettext_lazy(
        "Each question on a line starting with “### ”, then its answer. Cite sources as [1]."
    ),
    "myths": gettext_lazy(
        "Each myth on a line starting with “### ”, then the facts. Cite sources as [1]."
    ),
    "timeline": gettext_lazy(
        "One milestone per paragraph, oldest first: date | what happened. The date is YYYY, "
        "YYYY-MM or YYYY-MM-DD. Cite sources as [1]."
    ),
    "resources": gettext_lazy(
        "Each resource on a line starting with “### ” and its title, then what it is and its link."
    ),
    "contact": gettext_lazy(
        "Each part (contact, press, imprint) on a line starting with “### ” and its heading, "
        "then its text."
    ),
}
# Section fields whose paragraphs may use the formatting subset (sources are plain lines).
FORMATTED_SECTIONS = {"faq", "myths", "timeline", "resources", "contact"}


def check_sections(form: forms.Form) -> None:
    """Add each format problem of the form's texts to the field it is in (the form must have
    been cleaned; a field that failed its own checks is left out)."""
    values = {
        name: form.cleaned_data[name]
        for name in form.fields
        if name in form.cleaned_data and isinstance(form.cleaned_data[name], str)
    }
    for name, messages in sections.validate(values).items():
        for message in messages:
            form.add_error(name, message)
