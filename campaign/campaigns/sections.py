"""The campaign site's sections: their stored formats, checks and rendering.

A campaign translation keeps each section as plain text that organizers edit in the workspace:

- ``sources``: one source per line, ``title | publisher | date | address``, numbered from 1 in
  order; the date is ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (or empty), the address http(s).
- ``faq``, ``myths``, ``resources``, ``contact``: items, each starting with a line
  ``### heading`` (the question, the myth, the title) followed by its paragraphs.
- ``timeline``: one milestone per paragraph, ``DATE | what happened``, oldest first.
- ``why``: paragraphs, as the other texts.

Paragraphs use the formatting of campaign/core/markup.py; ``why``, answers, facts and
milestones cite sources as ``[n]``, rendered as a link to the numbered source. Citations are
added to the sanitised HTML, in its text only, so organizer text never reaches the page as
HTML of its own.
"""

from __future__ import annotations

import datetime
import html
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from campaign.core import l10n, markup

HEADING_PREFIX = "### "
FIELD_SEPARATOR = "|"
ITEM_FIELDS = ("faq", "myths", "resources", "contact")
# The fields whose paragraphs may cite sources as [n].
CITING_FIELDS = ("why", "faq", "myths", "timeline")
URL_SCHEMES = ("http", "https")
ISO_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
# [n] not followed by "(" (that would be a link's text); n has no leading zero.
CITATION = re.compile(r"\[([1-9]\d*)\](?!\()")
# On the page a citation hangs on the word before it: a space typed before the marker goes,
# so the marker never starts a line of its own.
CITATION_IN_TEXT = re.compile(r"[ \t\u00a0]?" + CITATION.pattern)
# A tag of the sanitiser's output (attribute values are quoted and may hold ">").
TAG = re.compile(r"""(<(?:[^>"']|"[^"]*"|'[^']*')*>)""")


@dataclass(frozen=True)
class Source:
    number: int
    title: str
    publisher: str
    date: str  # ISO, as precise as known, or ""
    url: str


@dataclass(frozen=True)
class Item:
    heading: str
    paragraphs: tuple[str, ...]

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)


@dataclass(frozen=True)
class Milestone:
    date: str  # ISO: YYYY, YYYY-MM or YYYY-MM-DD
    precision: str  # "year", "month" or "day"
    text: str


# --- Dates ---------------------------------------------------------------------------------


def parse_date(value: str) -> tuple[datetime.date, str] | None:
    """An ISO date as precise as it is written (``2020``, ``2020-01``, ``2020-01-21``): the
    first day it can mean and its precision, or None when it is no such date."""
    match = ISO_DATE.match(value.strip())
    if match is None:
        return None
    year, month, day = match.groups()
    try:
        date = datetime.date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        return None
    return date, "day" if day else "month" if month else "year"


def format_date(value: str, language: str | None = None) -> str:
    """An ISO date of any precision as the language writes it (the text as is if invalid)."""
    parsed = parse_date(value)
    if parsed is None:
        return value
    return l10n.format_partial_date(parsed[0], parsed[1], language)


# --- Parsing -------------------------------------------------------------------------------


def _source_parts(line: str) -> list[str]:
    return [part.strip() for part in line.split(FIELD_SEPARATOR)]


def parse_sources(text: str) -> list[Source]:
    """The sources, one per non-empty line, numbered from 1 (a malformed line still takes its
    number, so citations after it stay right; ``validate_sources`` reports it)."""
    sources = []
    for line in _lines(text):
        parts = _source_parts(line)
        parts += [""] * (4 - len(parts))
        title, publisher, date, url = parts[0], parts[1], parts[2], FIELD_SEPARATOR.join(parts[3:])
        sources.append(Source(len(sources) + 1, title, publisher, date, url.strip()))
    return sources


def parse_items(text: str) -> list[Item]:
    """The items of a FAQ, myths, resources or contact text (text before the first heading is
    left out; ``validate_items`` reports it)."""
    items: list[Item] = []
    heading: str | None = None
    body: list[str] = []

    def close() -> None:
        if heading is not None:
            items.append(Item(heading, tuple(markup.split_paragraphs("\n".join(body)))))

    for line in markup.normalise_newlines(text or "").split("\n"):
        if is_heading(line):
            close()
            heading, body = line[len(HEADING_PREFIX) :].strip(), []
        else:
            body.append(line)
    close()
    return items


def parse_timeline(text: str) -> list[Milestone]:
    """The milestones, one per paragraph ``DATE | text`` (paragraphs without a valid date are
    left out; ``validate_timeline`` reports them)."""
    milestones = []
    for paragraph in markup.split_paragraphs(text):
        date, separator, rest = paragraph.partition(FIELD_SEPARATOR)
        parsed = parse_date(date)
        if separator and parsed is not None and rest.strip():
            milestones.append(Milestone(date.strip(), parsed[1], rest.strip()))
    return milestones


def is_heading(line: str) -> bool:
    """Whether a line starts an item: ``### heading`` (or a bare ``###``, an empty heading)."""
    return line.startswith(HEADING_PREFIX) or line.rstrip() == HEADING_PREFIX.strip()


def is_web_address(url: str) -> bool:
    """Whether ``url`` is an http(s) address with a host (the only links a source may have)."""
    try:
        address = urlsplit(url)
    except ValueError:  # such as an unclosed "[" of an IPv6 host
        return False
    return (
        address.scheme in URL_SCHEMES
        and bool(address.netloc)
        and not any(c.isspace() or c in "<>\"'" for c in url)
    )


def _lines(text: str) -> list[str]:
    return [
        line.strip() for line in markup.normalise_newlines(text or "").split("\n") if line.strip()
    ]


# --- Writing (the seed files' lists as stored text) ----------------------------------------


def join_sources(lines: list[str]) -> str:
    return "\n".join(line.strip() for line in lines)


def join_items(items: list[tuple[str, list[str]]]) -> str:
    return "\n\n".join(
        "\n\n".join([f"{HEADING_PREFIX}{heading.strip()}", *paragraphs])
        for heading, paragraphs in items
    )


def join_timeline(milestones: list[tuple[str, str]]) -> str:
    return "\n\n".join(f"{date} {FIELD_SEPARATOR} {text}" for date, text in milestones)


# --- Checks --------------------------------------------------------------------------------


def _date_error(value: str) -> str:
    return _("“%(date)s” is not a date: write YYYY, YYYY-MM or YYYY-MM-DD.") % {"date": value}


def validate_sources(text: str) -> list[str]:
    """What is wrong with a sources text, in the active language (empty: nothing)."""
    errors = []
    for number, line in enumerate(_lines(text), start=1):
        parts = _source_parts(line)
        if len(parts) != 4 or not parts[0]:
            errors.append(
                _("Source %(number)s: write it as title | publisher | date | address.")
                % {"number": number}
            )
            continue
        date, url = parts[2], parts[3]
        if date and parse_date(date) is None:
            errors.append(_date_error(date))
        if url and not is_web_address(url):
            errors.append(
                _("Source %(number)s: the address must start with https:// or http://.")
                % {"number": number}
            )
    return errors


def validate_items(text: str) -> list[str]:
    """What is wrong with a FAQ, myths, resources or contact text (empty: nothing)."""
    errors = []
    lines = markup.normalise_newlines(text or "").split("\n")
    first_heading = next((i for i, line in enumerate(lines) if is_heading(line)), len(lines))
    if any(line.strip() for line in lines[:first_heading]):
        errors.append(
            _(
                "Start each item with a line “### ” and its heading; there is text before the first one."
            )
        )
    for item in parse_items(text):
        if not item.heading or not item.paragraphs:
            errors.append(
                _("“%(heading)s”: each item needs a heading after “### ” and a text below it.")
                % {"heading": item.heading or HEADING_PREFIX.strip()}
            )
    return errors


def validate_timeline(text: str) -> list[str]:
    """What is wrong with a timeline text (empty: nothing)."""
    errors = []
    for number, paragraph in enumerate(markup.split_paragraphs(text), start=1):
        date, separator, rest = paragraph.partition(FIELD_SEPARATOR)
        if not separator or not rest.strip():
            errors.append(
                _("Milestone %(number)s: write it as DATE | what happened.") % {"number": number}
            )
        elif parse_date(date) is None:
            errors.append(_date_error(date.strip()))
    return errors


def cited_numbers(text: str) -> list[int]:
    """The source numbers a text cites, in order of first citation."""
    return list(dict.fromkeys(int(n) for n in CITATION.findall(text or "")))


def validate_citations(text: str, *, source_count: int) -> list[str]:
    """A message per cited number that has no source (empty: every citation has one)."""
    return [
        _("[%(number)s] cites source %(number)s, but there is no such source.") % {"number": number}
        for number in cited_numbers(text)
        if number > source_count
    ]


FORMAT_CHECKS = {
    "sources": validate_sources,
    "faq": validate_items,
    "myths": validate_items,
    "resources": validate_items,
    "contact": validate_items,
    "timeline": validate_timeline,
}


def validate(values: dict[str, str]) -> dict[str, list[str]]:
    """What is wrong with a translation's texts, by field, in the active language: each
    section's format, and citations of sources the text does not have."""
    errors: dict[str, list[str]] = {}
    for name, check in FORMAT_CHECKS.items():
        if name in values and (found := check(values[name] or "")):
            errors[name] = found
    source_count = len(_lines(values.get("sources", "")))
    for name in CITING_FIELDS:
        if name in values and (
            found := validate_citations(values[name] or "", source_count=source_count)
        ):
            errors.setdefault(name, []).extend(found)
    return errors


# --- Rendering -----------------------------------------------------------------------------


class Citations:
    """Renders texts of one page with their citations linked, numbering the links' ids in
    page order (``cite-1``, ``cite-2``, …) so each is unique and a source can link back to its
    first citation."""

    def __init__(self, source_count: int) -> None:
        self.source_count = source_count
        self.count = 0
        self.first: dict[int, str] = {}

    def render(self, text: str) -> SafeString:
        """The text as safe HTML (campaign/core/markup.py) with ``[n]`` linked to source n."""
        return mark_safe(self.link(markup.render(text)))  # noqa: S308 -- sanitised, then ours

    def link(self, sanitised: str) -> str:
        parts = TAG.split(sanitised)
        in_link = 0
        for index, part in enumerate(parts):
            if index % 2:  # a tag
                if part.startswith("<a ") or part == "<a>":
                    in_link += 1
                elif part == "</a>":
                    in_link = max(0, in_link - 1)
            elif not in_link and "[" in part:
                parts[index] = CITATION_IN_TEXT.sub(self._citation, part)
        return "".join(parts)

    def _citation(self, match: re.Match) -> str:
        number = int(match.group(1))
        if number > self.source_count:
            return match.group(0)
        self.count += 1
        anchor = f"cite-{self.count}"
        self.first.setdefault(number, anchor)
        label = html.escape(_("Source %(number)s") % {"number": number})
        return (
            f'<sup class="cite"><a href="#source-{number}" id="{anchor}" aria-label="{label}">'
            f"[{number}]</a></sup>"
        )


@dataclass(frozen=True)
class SourceEntry:
    source: Source
    date_label: str
    url: str  # its address when it is a web address, else ""
    backlink: str  # the id of its first citation on the page, or ""


@dataclass(frozen=True)
class RenderedItem:
    heading: str
    html: SafeString


@dataclass(frozen=True)
class RenderedMilestone:
    date: str
    date_label: str
    html: SafeString


@dataclass(frozen=True)
class PageSections:
    """A translation's sections ready for the campaign page, each empty when it has none."""

    why: SafeString
    sources: list[SourceEntry]
    faq: list[RenderedItem]
    myths: list[RenderedItem]
    timeline: list[RenderedMilestone]
    resources: list[RenderedItem]
    contact: list[RenderedItem]

    @property
    def present(self) -> list[str]:
        """The ids of the sections the page shows, in page order (the "On this page" links)."""
        shown = {
            "sources": bool(self.why or self.sources),
            "faq": bool(self.faq),
            "myths": bool(self.myths),
            "timeline": bool(self.timeline),
            "resources": bool(self.resources),
            "contact": bool(self.contact),
        }
        return [name for name, show in shown.items() if show]


def page_sections(content, language: str | None = None) -> PageSections:
    """Parse and render a translation's sections once for a page in ``language`` (the active
    one by default); ``content`` is a CampaignTranslation or anything with its text fields."""
    sources = parse_sources(content.sources)
    citations = Citations(len(sources))
    why = citations.render(content.why)
    faq, myths = (
        [RenderedItem(i.heading, citations.render(i.text)) for i in parse_items(text)]
        for text in (content.faq, content.myths)
    )
    timeline = [
        RenderedMilestone(m.date, format_date(m.date, language), citations.render(m.text))
        for m in parse_timeline(content.timeline)
    ]
    resources, contact = (
        [RenderedItem(i.heading, markup.render(i.text)) for i in parse_items(text)]
        for text in (content.resources, content.contact)
    )
    return PageSections(
        why=why,
        sources=[
            SourceEntry(
                source=s,
                date_label=format_date(s.date, language) if s.date else "",
                url=s.url if is_web_address(s.url) else "",
                backlink=citations.first.get(s.number, ""),
            )
            for s in sources
        ],
        faq=faq,
        myths=myths,
        timeline=timeline,
        resources=resources,
        contact=contact,
    )
