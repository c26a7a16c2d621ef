"""The layout's rules, checked on every run: import contracts and stable task paths."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from django.utils.module_loading import import_string
from django_tasks.base import Task

ROOT = Path(__file__).resolve().parent.parent

# Tasks by the dotted path a queued row of an earlier release stores, and where they live now.
QUEUED_PATHS = {
    "petitions.tasks.send_confirmation_email": "petitions.mail.tasks.send_confirmation_email",
    "petitions.tasks.send_data_copy_email": "petitions.mail.tasks.send_data_copy_email",
    "petitions.tasks.send_rights_links_email": "petitions.mail.tasks.send_rights_links_email",
    "petitions.tasks.deliver_webhook": "petitions.partners.tasks.deliver_webhook",
    "petitions.tasks.build_delivery_package": "petitions.reporting.tasks.build_delivery_package",
    "petitions.tasks.delete_expired_delivery_packages": (
        "petitions.reporting.tasks.delete_expired_delivery_packages"
    ),
    "petitions.tasks.purge_expired": "petitions.rights.tasks.purge_expired",
    "campaign.tasks.send_invitation_email": "campaign.campaigns.tasks.send_invitation_email",
    "campaign.tasks.send_prepared_email": "campaign.campaigns.tasks.send_prepared_email",
}


def test_import_contracts_hold():
    """Layers import downward only, frontends never import each other, and nothing imports in
    a cycle (the contracts in pyproject.toml; ARCHITECTURE.md draws them)."""
    result = subprocess.run(
        [str(Path(sys.executable).with_name("lint-imports")), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(("old", "new"), QUEUED_PATHS.items())
def test_a_row_queued_under_an_old_task_path_still_finds_its_task(old, new):
    task = import_string(old)
    assert isinstance(task, Task)
    assert task is import_string(new)
    assert task.module_path == new
