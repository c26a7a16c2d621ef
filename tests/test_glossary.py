"""Each language speaks with one voice: its catalog and campaign texts follow locale/glossary.json."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.utils import translation

LOCALE_DIR = Path(settings.BASE_DIR) / "locale"
CONTENT_DIR = Path(settings.BASE_DIR) / "campaign" / "content"
GLOSSARY = json.loads((LOCALE_DIR / "glossary.json").read_text(encoding="utf-8"))
# Folder names of the catalogs, as the glossary keys its languages (pt-br lives in pt_BR).
LANGUAGES = [code.replace("-br", "_BR") for code, _name in settings.LANGUAGES]
# Texts the supporter does not read as addressed to them: the letter to the legislators may
# (and in most languages must) use the formal register whatever the pages use.
ADDRESSEE_FIELDS = {"petition_text", "ask", "addressee"}


def avoid_pattern(variant: str, *, exact_case: bool = False) -> re.Pattern:
    """A whole-word pattern for a glossary variant; a trailing * accepts any ending (a stem)."""
    stem = variant.endswith("*")
    words = variant.rstrip("*").split()
    body = r"\s+".join(re.escape(word) for word in words) + (r"\w*" if stem else "")
    return re.compile(rf"(?<!\w){body}(?!\w)", 0 if exact_case else re.IGNORECASE)


def catalog_texts(language: str) -> list[tuple[str, str]]:
    """(where, text) for every msgstr of the language's catalog."""
    with (LOCALE_DIR / language / "LC_MESSAGES" / "django.po").open("rb") as po_file:
        catalog = read_po(po_file)
    texts = []
    for message in catalog:
        if not message.id:
            continue
        msgid = message.id[0] if isinstance(message.id, tuple) else message.id
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        texts += [(f"catalog {msgid[:50]!r}", string) for string in strings]
    return texts


def content_texts(language: str) -> list[tuple[str, str, str]]:
    """(where, field, text) for every campaign content field written in the language."""
    texts = []
    for path in sorted(CONTENT_DIR.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        for code, fields in data["translations"].items():
            if code.replace("-br", "_BR") != language:
                continue
            for field, value in fields.items():
                text = "\n\n".join(value) if isinstance(value, list) else value
                texts.append((f"{path.stem} {code} {field}", field, text))
    return texts


def glossary_findings(language: str) -> list[str]:
    """Each avoided variant found in the language's texts, as 'where: variant'."""
    entry = GLOSSARY["languages"][language]
    register = entry["register"]
    everywhere = [avoid_pattern(v) for v in entry.get("avoid", [])]
    for term in entry["terms"].values():
        everywhere += [avoid_pattern(v) for v in term.get("avoid", [])]
    supporter_only = [avoid_pattern(v) for v in register.get("avoid", [])]
    supporter_only += [
        avoid_pattern(v, exact_case=True) for v in register.get("avoid_exact_case", [])
    ]
    texts = [(where, "", text) for where, text in catalog_texts(language)]
    texts += content_texts(language)
    findings = []
    for where, field, text in texts:
        patterns = everywhere + ([] if field in ADDRESSEE_FIELDS else supporter_only)
        findings += [f"{where}: {m.group(0)!r}" for p in patterns for m in p.finditer(text)]
    return findings


def test_glossary_covers_every_offered_language_and_concept():
    concepts = GLOSSARY["concepts"]
    assert sorted(GLOSSARY["languages"]) == sorted(LANGUAGES)
    gaps = [
        f"{language}: {concept}"
        for language, entry in GLOSSARY["languages"].items()
        for concept in concepts
        if not entry["terms"].get(concept, {}).get("term")
    ]
    assert gaps == []
    assert [lang for lang, e in GLOSSARY["languages"].items() if not e["register"]["form"]] == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_texts_use_no_variant_the_glossary_avoids(language):
    assert glossary_findings(language) == []


def test_avoid_pattern_matches_whole_words_stems_and_case():
    assert avoid_pattern("tulv*").findall("Tulvien ja tulva, ei matulva") == ["Tulvien", "tulva"]
    assert avoid_pattern("u").findall("U kunt, uw naam; nu niet") == ["U"]
    assert avoid_pattern("Ihre", exact_case=True).findall("Ihre Daten, ihre Daten") == ["Ihre"]
    assert avoid_pattern("aitheantas aghaidhe").findall("aitheantas\naghaidhe") == [
        "aitheantas\naghaidhe"
    ]


def test_irish_plural_forms_follow_the_number():
    with translation.override("ga"):
        forms = [
            translation.ngettext("signature of %(goal)s", "signatures of %(goal)s", n)
            % {"goal": "1000"}
            for n in (0, 1, 2, 3, 7, 11, 20)
        ]
        supporters = [
            translation.ngettext(
                "%(counter)s supporter asked to hear from you.",
                "%(counter)s supporters asked to hear from you.",
                n,
            )
            % {"counter": n}
            for n in (1, 2, 3, 7, 11)
        ]
    assert forms == [
        "síniú as 1000",
        "síniú as 1000",
        "shíniú as 1000",
        "shíniú as 1000",
        "síniú as 1000",
        "síniú as 1000",
        "síniú as 1000",
    ]
    assert supporters == [
        "D’iarr 1 tacadóir cloisteáil uait.",
        "D’iarr 2 thacadóir cloisteáil uait.",
        "D’iarr 3 thacadóir cloisteáil uait.",
        "D’iarr 7 dtacadóir cloisteáil uait.",
        "D’iarr 11 tacadóir cloisteáil uait.",
    ]
