"""Campaign texts: paragraphs whatever the line endings, a small formatting subset, and nothing
unsafe through the sanitiser."""

from __future__ import annotations

import json
from html.parser import HTMLParser

import pytest
from django.template import Context, Template
from django.utils.html import escape

from campaign.core.markup import (
    normalise_newlines,
    plain_paragraphs,
    render,
    sanitise,
    split_paragraphs,
)
from petitions.seeding import CONTENT_DIR


def test_line_endings_of_every_kind_become_newlines():
    assert normalise_newlines("a\r\n\r\nb\rc\nd") == "a\n\nb\nc\nd"


@pytest.mark.parametrize(
    "text",
    [
        "One.\n\nTwo.\n\nThree.",
        "One.\r\n\r\nTwo.\r\n\r\nThree.",
        "One.\r\rTwo.\r\rThree.",
        "One.\n  \nTwo.\r\n\t\r\nThree.",
        "\n\nOne.\n\n\n\nTwo.\n \n \nThree.\n\n",
    ],
)
def test_paragraphs_split_on_blank_lines_whatever_the_line_endings(text):
    assert split_paragraphs(text) == ["One.", "Two.", "Three."]


def test_formatting_subset_renders():
    html = render(
        "Some *stress* and **strength**, a [link](https://example.org/a?b=1&c=2).\n\n"
        "- one\n- two\n\n1. first\n2. second\n\nWrite to [us](mailto:hi@example.org)."
    )
    assert "<em>stress</em>" in html
    assert "<strong>strength</strong>" in html
    assert '<a href="https://example.org/a?b=1&amp;c=2" rel="nofollow noopener">link</a>' in html
    assert "<ul>\n<li>one</li>\n<li>two</li>\n</ul>" in html
    assert "<ol>\n<li>first</li>\n<li>second</li>\n</ol>" in html
    assert '<a href="mailto:hi@example.org" rel="nofollow noopener">us</a>' in html


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        '<p onclick="alert(1)">x</p>',
        '<p style="color:red">x</p><style>p{}</style>',
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        "[click](data:text/html,<script>alert(1)</script>)",
        "[click](vbscript:msgbox)",
        '<a href="javascript:alert(1)">x</a>',
        "![img](https://example.org/x.png)",
    ],
)
def test_nothing_unsafe_survives(text):
    # Through the Markdown path (HTML is text there) and straight through the sanitiser.
    for html in (render(text), sanitise(text)):
        for tag, attributes in elements(html):
            assert tag in {"p", "em", "strong", "a", "ul", "ol", "li"}, (text, html)
            for name, value in attributes:
                assert name in {"href", "rel", "start"}, (text, html)
                if name == "href":
                    assert value.split(":")[0] in {"http", "https", "mailto"}, (text, html)


def elements(html: str) -> list[tuple[str, list[tuple[str, str]]]]:
    found = []

    class Collector(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, attrs))

    Collector().feed(html)
    return found


def test_html_is_shown_as_text_not_interpreted():
    assert (
        render("<b>bold</b> & <i>co</i>")
        == "<p>&lt;b&gt;bold&lt;/b&gt; &amp; &lt;i&gt;co&lt;/i&gt;</p>\n"
    )


def old_rendering(text: str) -> str:
    """How the campaign page rendered a text before formatting existed: escaped paragraphs."""
    return "".join(f"<p>{escape(p)}</p>" for p in split_paragraphs(text))


def seeded_texts():
    for path in sorted(CONTENT_DIR.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        for language, text in data["translations"].items():
            for field in ("ask", "petition_text", "coalition_intro"):
                if text.get(field):
                    yield f"{path.stem}:{language}:{field}", text[field]
            yield f"{path.stem}:{language}:why", "\n\n".join(text["why"])


@pytest.mark.parametrize(("where", "text"), list(seeded_texts()), ids=lambda v: v[:60])
def test_seeded_texts_render_as_the_plain_paragraphs_they_were(where, text):
    # The same elements and text as before; only the serialisation of quotes may differ.
    assert render(text).replace("\n", "") == render_old_normalised(text), where


@pytest.mark.parametrize(("where", "text"), list(seeded_texts()), ids=lambda v: v[:60])
def test_seeded_texts_give_the_letters_the_same_paragraphs(where, text):
    assert plain_paragraphs(text) == split_paragraphs(text), where


def test_letters_get_formatting_as_plain_text():
    text = "We ask *you*.\r\n\r\n- **one** [here](https://example.org/)\n- two\n\n1. first"
    assert plain_paragraphs(text) == [
        "We ask you.",
        "• one here (https://example.org/)",
        "• two",
        "1. first",
    ]


def render_old_normalised(text: str) -> str:
    return sanitise(old_rendering(text)).replace("\n", "")


def test_the_template_filter_renders_safely():
    template = Template("{% load campaign_tags %}{{ text|campaign_text }}")
    html = template.render(Context({"text": "A *b*\r\n\r\n<script>x</script>"}))
    assert html == "<p>A <em>b</em></p>\n<p>&lt;script&gt;x&lt;/script&gt;</p>\n"
