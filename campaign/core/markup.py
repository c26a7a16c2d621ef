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


def plain_paragraphs(text: str) -> list[str]:
    """The paragraphs as plain text, for documents that show no formatting (the PDF letters):
    emphasis dropped, a link as "words (address)", list items after "•" or their number.
    A text without markup gives exactly ``split_paragraphs(text)``."""
    blocks = split_paragraphs(text)
    if not blocks:
        return []
    paragraphs: list[str] = []
    lists: list[int | None] = []  # per open list: the next number, or None for bullets
    prefix = ""
    for token in _markdown.parse("\n\n".join(blocks)):
        if token.type == "bullet_list_open":
            lists.append(None)
        elif token.type == "ordered_list_open":
            lists.append(int(token.attrGet("start") or 1))
        elif token.type in {"bullet_list_close", "ordered_list_close"}:
            lists.pop()
        elif token.type == "list_item_open" and lists:
            number = lists[-1]
            prefix = "• " if number is None else f"{number}. "
            if number is not None:
                lists[-1] = number + 1
        elif token.type == "inline":
            paragraphs.append(prefix + _inline_text(token.children or []))
            prefix = ""
    return [p for p in (p.strip() for p in paragraphs) if p]


def _inline_text(tokens) -> str:
    parts: list[str] = []
    hrefs: list[str] = []
    for token in tokens:
        if token.type == "text":
            parts.append(token.content)
        elif token.type in {"softbreak", "hardbreak"}:
            parts.append("\n")
        elif token.type == "link_open":
            hrefs.append(str(token.attrGet("href") or ""))
        elif token.type == "link_close":
            href = hrefs.pop() if hrefs else ""
            if href:
                parts.append(f" ({href.removeprefix('mailto:')})")
    return "".join(parts)
