"""The campaign site's sections: stored formats parsed, checked and rendered exactly."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest
from django.utils import translation

from campaign.campaigns import sections
from campaign.campaigns.sections import (
    Citations,
    Item,
    Milestone,
    Source,
    join_items,
    join_sources,
    join_timeline,
    page_sections,
    parse_date,
    parse_items,
    parse_sources,
    parse_timeline,
    validate,
)

SOURCES = (
    "Facial recognition in the EU | EDRi | 2020-05 | https://edri.org/report\r\n"
    "\n"
    "Regulation (EU) 2024/1689 | Official Journal of the European Union | 2024-07-12 | "
    "https://eur-lex.europa.eu/eli/reg/2024/1689/oj\n"
    "A printed leaflet | Coalition |  | \n"
)


def cite(number: int, anchor: int) -> str:
    return (
        f'<sup class="cite"><a href="#source-{number}" id="cite-{anchor}" '
        f'aria-label="Source {number}">[{number}]</a></sup>'
    )


def content(**texts: str) -> SimpleNamespace:
    fields = ("why", "sources", "faq", "myths", "timeline", "resources", "contact")
    return SimpleNamespace(**{name: texts.get(name, "") for name in fields})


def test_parse_sources_numbers_lines_in_order_and_keeps_empty_fields():
    assert parse_sources(SOURCES) == [
        Source(1, "Facial recognition in the EU", "EDRi", "2020-05", "https://edri.org/report"),
        Source(
            2,
            "Regulation (EU) 2024/1689",
            "Official Journal of the European Union",
            "2024-07-12",
            "https://eur-lex.europa.eu/eli/reg/2024/1689/oj",
        ),
        Source(3, "A printed leaflet", "Coalition", "", ""),
    ]


def test_parse_sources_gives_a_malformed_line_its_number_so_later_ones_keep_theirs():
    parsed = parse_sources("Only a title\nSecond | P | 2020 | https://example.org/")
    assert [(s.number, s.title, s.url) for s in parsed] == [
        (1, "Only a title", ""),
        (2, "Second", "https://example.org/"),
    ]


def test_parse_items_splits_on_heading_lines_and_paragraphs_on_blank_lines():
    text = "### Is it legal?\r\n\r\nNot yet [1].\n \nSee below.\n### Who decides?\nParliament."
    assert parse_items(text) == [
        Item("Is it legal?", ("Not yet [1].", "See below.")),
        Item("Who decides?", ("Parliament.",)),
    ]
    assert parse_items(text)[0].text == "Not yet [1].\n\nSee below."


def test_parse_items_leaves_out_text_before_the_first_heading():
    assert parse_items("Intro.\n\n### Q\n\nA") == [Item("Q", ("A",))]


def test_parse_timeline_reads_date_and_precision():
    text = "2020 | A year.\n\n2020-01 | A month [2].\n\n2024-07-12 | A day.\n\nno date here"
    assert parse_timeline(text) == [
        Milestone("2020", "year", "A year."),
        Milestone("2020-01", "month", "A month [2]."),
        Milestone("2024-07-12", "day", "A day."),
    ]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2020", (datetime.date(2020, 1, 1), "year")),
        ("2020-02", (datetime.date(2020, 2, 1), "month")),
        ("2024-02-29", (datetime.date(2024, 2, 29), "day")),
        ("2023-02-29", None),
        ("2020-13", None),
        ("20-01-01", None),
        ("May 2020", None),
        ("", None),
    ],
)
def test_parse_date_accepts_iso_dates_of_three_precisions_only(value, expected):
    assert parse_date(value) == expected


def test_joining_the_seed_lists_gives_text_that_parses_back():
    stored_sources = join_sources(["A | B | 2020 | https://a.org/", "C | D |  | https://c.org/"])
    assert stored_sources == "A | B | 2020 | https://a.org/\nC | D |  | https://c.org/"
    items = join_items([("Q one?", ["A.", "B."]), ("Q two?", ["C."])])
    assert items == "### Q one?\n\nA.\n\nB.\n\n### Q two?\n\nC."
    assert parse_items(items) == [Item("Q one?", ("A.", "B.")), Item("Q two?", ("C.",))]
    timeline = join_timeline([("2020-01", "One."), ("2021", "Two.")])
    assert timeline == "2020-01 | One.\n\n2021 | Two."
    assert [m.date for m in parse_timeline(timeline)] == ["2020-01", "2021"]


def test_validate_accepts_well_formed_sections():
    values = {
        "why": "A fact [1] and another [2].",
        "sources": SOURCES,
        "faq": "### Q?\n\nA [3].",
        "myths": "### Myth.\n\nFact [1].",
        "timeline": "2020-05 | Report [1].\n\n2024 | Law [2].",
        "resources": "### Kit\n\n[Download](https://example.org/kit.pdf)",
        "contact": "### Press\n\n[Write to us](mailto:press@example.org)",
    }
    assert validate(values) == {}


def test_validate_reports_each_problem_next_to_its_field():
    values = {
        "why": "Cited [1] and [7], linked [8](https://example.org/).",
        "sources": "Good | P | 2020 | https://a.org/\n"
        "Missing parts | P\n"
        "Bad date | P | 2020-13 | https://b.org/\n"
        "Bad scheme | P | 2020 | javascript:alert(1)\n"
        "No host | P | 2020 | https://\n"
        "Broken host | P | 2020 | https://[::1",
        "faq": "Intro before any heading.\n### Q?\n\nA [9].\n### \n\nText.",
        "myths": "### A myth without a fact",
        "timeline": "2020-1 | Bad date.\n\nNo separator.\n\n2021 |",
    }
    assert validate(values) == {
        "why": ["[7] cites source 7, but there is no such source."],
        "sources": [
            "Source 2: write it as title | publisher | date | address.",
            "“2020-13” is not a date: write YYYY, YYYY-MM or YYYY-MM-DD.",
            "Source 4: the address must start with https:// or http://.",
            "Source 5: the address must start with https:// or http://.",
            "Source 6: the address must start with https:// or http://.",
        ],
        "faq": [
            "Start each item with a line “### ” and its heading; there is text before the first one.",
            "“###”: each item needs a heading after “### ” and a text below it.",
            "[9] cites source 9, but there is no such source.",
        ],
        "myths": [
            "“A myth without a fact”: each item needs a heading after “### ” and a text below it."
        ],
        "timeline": [
            "“2020-1” is not a date: write YYYY, YYYY-MM or YYYY-MM-DD.",
            "Milestone 2: write it as DATE | what happened.",
            "Milestone 3: write it as DATE | what happened.",
        ],
    }


def test_validate_messages_follow_the_active_language():
    with translation.override("de"):
        errors = validate({"why": "[2]", "sources": "A | B | 2020 | https://a.org/"})
    assert errors == {"why": ["[2] verweist auf Quelle 2, aber diese Quelle gibt es nicht."]}


def test_citations_link_to_sources_with_page_unique_ids():
    citations = Citations(source_count=3)
    first = citations.render("One [1], two [2].\n\nAgain [1] and unknown [7].")
    second = citations.render("- listed [3]\n- *stressed [2]*")
    assert first == (
        f"<p>One{cite(1, 1)}, two{cite(2, 2)}.</p>\n<p>Again{cite(1, 3)} and unknown [7].</p>\n"
    )
    assert second == (
        f"<ul>\n<li>listed{cite(3, 4)}</li>\n<li><em>stressed{cite(2, 5)}</em></li>\n</ul>\n"
    )
    assert citations.first == {1: "cite-1", 2: "cite-2", 3: "cite-4"}


def test_citations_leave_links_and_their_text_alone():
    citations = Citations(source_count=2)
    rendered = citations.render("[1](https://example.org/) and [see [2]](https://example.org/[1]).")
    assert rendered == (
        '<p><a href="https://example.org/" rel="nofollow noopener">1</a> and '
        '<a href="https://example.org/%5B1%5D" rel="nofollow noopener">see [2]</a>.</p>\n'
    )
    assert citations.count == 0


def test_citations_never_let_organizer_html_through():
    citations = Citations(source_count=1)
    rendered = citations.render(
        '<script>alert(1)</script> [1] <a href="#x" onclick="x()">[1]</a> '
        "[x](javascript:alert(1)) [1]<img src=x onerror=alert(1)>"
    )
    assert rendered == (
        f"<p>&lt;script&gt;alert(1)&lt;/script&gt;{cite(1, 1)} "
        f'&lt;a href="#x" onclick="x()"&gt;{cite(1, 2)}&lt;/a&gt; '
        f"[x](javascript:alert(1)){cite(1, 3)}&lt;img src=x onerror=alert(1)&gt;</p>\n"
    )


def test_citation_label_is_translated():
    with translation.override("fr"):
        rendered = Citations(source_count=1).render("Fait [1].")
    assert 'aria-label="Source 1"' in rendered
    with translation.override("de"):
        rendered = Citations(source_count=1).render("Fakt [1].")
    assert rendered == (
        '<p>Fakt<sup class="cite"><a href="#source-1" id="cite-1" aria-label="Quelle 1">'
        "[1]</a></sup>.</p>\n"
    )


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", ["2020", "May 2020", "July 12, 2024"]),
        ("de", ["2020", "Mai 2020", "12. Juli 2024"]),
        ("pt-br", ["2020", "maio de 2020", "12 de julho de 2024"]),
        ("pl", ["2020", "maj 2020", "12 lipca 2024"]),
    ],
)
def test_milestone_dates_are_written_in_the_page_language_at_their_precision(language, expected):
    page = page_sections(content(timeline="2020 | A.\n\n2020-05 | B.\n\n2024-07-12 | C."), language)
    assert [(m.date, m.date_label) for m in page.timeline] == list(
        zip(["2020", "2020-05", "2024-07-12"], expected, strict=True)
    )


def test_page_sections_render_each_section_once_in_page_order():
    page = page_sections(
        content(
            why="Why [2].",
            sources=SOURCES + "Bad | P | 2020 | javascript:alert(1)",
            faq="### Q?\n\nA [1].",
            myths="### It keeps us safe.\n\nIt does not [2].",
            timeline="2020-05 | Report [1].",
            resources="### Kit\n\n[Get it](https://example.org/kit)",
            contact="",
        ),
        "en",
    )
    assert page.present == ["sources", "faq", "myths", "timeline", "resources"]
    assert page.why == f"<p>Why{cite(2, 1)}.</p>\n"
    assert [(e.source.number, e.date_label, e.url, e.backlink) for e in page.sources] == [
        (1, "May 2020", "https://edri.org/report", "cite-2"),
        (2, "July 12, 2024", "https://eur-lex.europa.eu/eli/reg/2024/1689/oj", "cite-1"),
        (3, "", "", ""),
        (4, "2020", "", ""),
    ]
    assert [(i.heading, i.html) for i in page.faq] == [("Q?", f"<p>A{cite(1, 2)}.</p>\n")]
    assert [(i.heading, i.html) for i in page.myths] == [
        ("It keeps us safe.", f"<p>It does not{cite(2, 3)}.</p>\n")
    ]
    assert [m.html for m in page.timeline] == [f"<p>Report{cite(1, 4)}.</p>\n"]
    assert [(i.heading, i.html) for i in page.resources] == [
        ("Kit", '<p><a href="https://example.org/kit" rel="nofollow noopener">Get it</a></p>\n')
    ]
    assert page.contact == []


def test_page_sections_of_an_empty_translation_show_nothing():
    assert page_sections(content(), "en").present == []


def test_sections_module_names_every_checked_field():
    assert set(sections.FORMAT_CHECKS) == {
        "sources",
        "faq",
        "myths",
        "resources",
        "contact",
        "timeline",
    }
