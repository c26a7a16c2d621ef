"""Every interface catalog is complete: it compiles, and nothing is untranslated or fuzzy."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings

LOCALE_DIR = Path(settings.BASE_DIR) / "locale"
# Folder names of the catalogs: every language the site offers (pt-br lives in pt_BR).
CATALOG_LANGUAGES = [code.replace("-br", "_BR") for code, _name in settings.LANGUAGES]
DOMAINS = ["django"]
PLACEHOLDER = re.compile(
    r"%(?:\((?P<name>[^)]+)\))?[#0 +-]*\d*(?:\.\d+)?(?P<type>[diouxXeEfFgGcrsa%])"
)


def catalog_paths() -> list[Path]:
    return [
        LOCALE_DIR / lang / "LC_MESSAGES" / f"{domain}.po"
        for lang in CATALOG_LANGUAGES
        for domain in DOMAINS
    ]


def placeholders(text: str) -> tuple[set[tuple[str, str]], list[str]]:
    """Named placeholders as a set of (name, type), positional ones as a list of types."""
    named, positional = set(), []
    for match in PLACEHOLDER.finditer(text):
        if match["type"] == "%":
            continue
        if match["name"] is not None:
            named.add((match["name"], match["type"]))
        else:
            positional.append(match["type"])
    return named, positional


def catalog_problems(path: Path) -> list[str]:
    """Untranslated, fuzzy and placeholder-mismatched entries of one catalog, as sentences."""
    with path.open("rb") as po_file:
        catalog = read_po(po_file)
    problems = []
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        label = f"{path.parent.parent.name}: {ids[0]!r}"
        if message.fuzzy:
            problems.append(f"{label} is fuzzy")
        if not all(strings):
            problems.append(f"{label} is untranslated")
            continue
        if not (message.python_format or any("%(" in i for i in ids)):
            continue
        if len(ids) == 1:
            named, positional = placeholders(strings[0])
            if (named, positional) != placeholders(ids[0]):
                problems.append(f"{label} has placeholders {named or positional} ≠ source")
            continue
        singular, plural = (placeholders(i) for i in ids)
        allowed = singular[0] | plural[0]
        # A form for a single number ("one signature") may leave the number out.
        required = {p for p in singular[0] & plural[0] if p[1] not in "diu"}
        for index, string in enumerate(strings):
            named, positional = placeholders(string)
            if not (required <= named <= allowed) or positional not in (singular[1], plural[1]):
                problems.append(
                    f"{label} form {index} has placeholders {named or positional} ≠ source"
                )
    return problems


@pytest.mark.parametrize("path", catalog_paths(), ids=lambda p: p.parent.parent.name)
def test_catalog_compiles_with_msgfmt_check(path):
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        if os.environ.get("CI") == "true":
            pytest.fail("msgfmt (GNU gettext) is required on CI to check the catalogs")
        pytest.skip("msgfmt (GNU gettext) is not installed; CI installs it")
    assert path.exists(), f"missing catalog {path.relative_to(LOCALE_DIR.parent)}"
    result = subprocess.run(
        [msgfmt, "--check", "--output-file=/dev/null", str(path)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("path", catalog_paths(), ids=lambda p: p.parent.parent.name)
def test_catalog_has_no_untranslated_fuzzy_or_mismatched_entries(path):
    assert path.exists(), f"missing catalog {path.relative_to(LOCALE_DIR.parent)}"
    problems = catalog_problems(path)
    assert problems == [], f"{len(problems)} problems, first ones:\n" + "\n".join(problems[:15])


def test_placeholder_check_catches_mismatches(tmp_path):
    po = tmp_path / "xx" / "LC_MESSAGES" / "django.po"
    po.parent.mkdir(parents=True)
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
        '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
        '#, python-format\nmsgid "Hello %(name)s"\nmsgstr "Hallo %(nome)s"\n\n'
        'msgid "Fine"\nmsgstr "Gut"\n\n'
        'msgid "Empty"\nmsgstr ""\n\n'
        '#, fuzzy\nmsgid "Guess"\nmsgstr "Vermutung"\n\n'
        '#, python-format\nmsgid "%(count)d signature of %(goal)s"\n'
        'msgid_plural "%(count)d signatures of %(goal)s"\n'
        'msgstr[0] "eine Unterschrift von %(goal)s"\nmsgstr[1] "%(count)d Unterschriften"\n',
        encoding="utf-8",
    )
    assert catalog_problems(po) == [
        "xx: 'Hello %(name)s' has placeholders {('nome', 's')} ≠ source",
        "xx: 'Empty' is untranslated",
        "xx: 'Guess' is fuzzy",
        "xx: '%(count)d signature of %(goal)s' form 1 has placeholders {('count', 'd')} ≠ source",
    ]
