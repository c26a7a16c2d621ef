"""Organizer-written text: line endings, paragraphs, and the small safe formatting it may use.

Campaign texts are plain text with a tiny Markdown subset (README, "Formatting campaign texts"):

- a blank line (spaces allowed on it) starts a new paragraph;
- ``*emphasis*`` and ``**strong**``;
- ``[words](https://example.org/)`` links (http, https and mailto only);
- lines starting with ``- `` make a bulleted list, ``1. `` a numbered one.

Nothing else is markup: headings, images, code, tables, raw HTML and bare addresses stay text.
The Markdown is rendered by markdown-it-py with only those rules enabled, and its output always
passes through nh3 (the ammonia sanitiser), which keeps only the tags and attributes above and
adds rel="nofollow noopener" to links. Texts without markup render as plain paragraphs.
"""

from __future__ import annotations

import re

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

# A blank line: only spaces or tabs between two line breaks.
PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")

ALLOWED_TAGS = {"p", "em", "strong", "a", "ul", "ol", "li"}
ALLOWED_ATTRIBUTES = {"a": {"href"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow noopener"

_markdown = MarkdownIt("zero", {"html": False, "linkify": False, "typographer": False}).enable(
    ["emphasis", "link", "list"]
)


def normalise_newlines(text: str) -> str:
    """``\\r\\n`` and lone ``\\r`` (as browsers and old editors send them) become ``\\n``."""
    if not isinstance(text, str):
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")


def split_paragraphs(text: str) -> list[str]:
    """The paragraphs of a text, whatever its line endings; blank lines with spaces count."""
    return [p.strip() for p in PARAGRAPH_BREAK.split(normalise_newlines(text or "")) if p.strip()]


def sanitise(html: str) -> str:
    """Keep only the allowed tags, attributes and URL schemes (no script, style, on*, javascript:)."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    )


def render(text: str) -> SafeString:
    """The text as safe HTML: one <p> per paragraph, with the formatting above."""
    blocks = split_paragraphs(text)
    html = _markdown.render("\n\n".join(blocks)) if blocks else ""
    return mark_safe(sanitise(html))  # noqa: S308 -- nh3 output, allow-listed above
