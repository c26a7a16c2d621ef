"""Atom feed checks for the tests: RFC 4287's RELAX NG schema (tests/data/atom.rng) and the
rules the RFC states only in prose."""

from __future__ import annotations

import re
from pathlib import Path

from lxml import etree

ATOM = "http://www.w3.org/2005/Atom"
NS = {"a": ATOM}
SCHEMA = etree.RelaxNG(etree.parse(str(Path(__file__).parent / "data" / "atom.rng")))
# RFC 3339 date-time (section 5.6), as atom:updated and atom:published must be (RFC 4287 3.3).
RFC3339 = re.compile(
    r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$", re.IGNORECASE
)
# An absolute IRI: a scheme, a colon, and no whitespace (RFC 3987; RFC 4287 4.2.6).
ABSOLUTE_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def parse_feed(response) -> etree._Element:
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    return etree.fromstring(response.content)


def assert_valid_atom(feed: etree._Element) -> None:
    """RFC 4287: the RELAX NG schema, then the rules it states only as Schematron or prose."""
    assert SCHEMA.validate(feed), SCHEMA.error_log
    assert feed.tag == f"{{{ATOM}}}feed"
    entries = feed.findall("a:entry", NS)
    # 4.1.1: a feed has an author unless every entry has one.
    assert feed.find("a:author", NS) is not None or all(
        e.find("a:author", NS) is not None for e in entries
    )
    # 4.1.1: at most one alternate link per type and hreflang; RFC 5005/4287 practice: one self.
    links = feed.findall("a:link", NS)
    assert [link.get("rel") for link in links].count("self") == 1
    assert [link.get("rel") for link in links].count("alternate") == 1
    ids = [feed.findtext("a:id", namespaces=NS)] + [
        e.findtext("a:id", namespaces=NS) for e in entries
    ]
    # 4.2.6: ids are absolute IRIs, and no two entries share one.
    assert all(ABSOLUTE_IRI.match(i) for i in ids), ids
    assert len(set(ids)) == len(ids)
    for element in feed.iter(f"{{{ATOM}}}updated", f"{{{ATOM}}}published"):
        assert RFC3339.match(element.text), element.text
    for entry in entries:
        # 4.1.2: an entry has an alternate link or content; updated once.
        assert entry.find("a:content", NS) is not None
        assert len(entry.findall("a:updated", NS)) == 1
        # Text constructs of type html hold escaped, sanitised HTML.
        for element in entry.findall("a:content", NS) + entry.findall("a:summary", NS):
            assert element.get("type") == "html"
            assert "<script" not in element.text
