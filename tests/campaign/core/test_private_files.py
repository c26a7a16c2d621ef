"""Secrets and personal data on disk: var/ and its folders 0700, their files 0600."""

import os
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.core.mail import EmailMessage
from django.core.management import call_command

from campaign.core.mailer import ConsoleAndFileBackend
from campaign.core.private_files import open_private, private_dir
from petitions.models import DeliveryPackage, DeliveryStatus
from petitions.reporting.delivery import deliveries_dir
from petitions.reporting.package_requests import request_delivery_package
from tests.petitions.exporting import make_signature

BASE_DIR = Path(__file__).resolve().parents[3]


@pytest.fixture(autouse=True)
def _usual_umask():
    """The usual umask, under which open() and mkdir() would make files 0644, folders 0755."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def start_settings(var_dir: Path) -> str:
    """Load campaign.settings in a fresh process (umask 022, no SECRET_KEY); its SECRET_KEY."""
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "SECRET_KEY_FILE")}
    env.update(VAR_DIR=str(var_dir), DATABASE_URL="postgres://postgres@127.0.0.1:5432/unused")
    result = subprocess.run(
        [sys.executable, "-c", "from campaign import settings; print(settings.SECRET_KEY)"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        umask=0o022,
    )
    return result.stdout.strip()


def test_local_secret_key_is_created_private_in_a_private_var_dir(tmp_path):
    var_dir = tmp_path / "var"
    key = start_settings(var_dir)
    assert (mode(var_dir), mode(var_dir / "secret_key")) == (0o700, 0o600)
    assert (var_dir / "secret_key").read_text() == key
    assert start_settings(var_dir) == key
    assert sorted(p.name for p in var_dir.iterdir()) == ["secret_key"]


def test_local_secret_key_of_an_older_install_is_made_private_and_kept(tmp_path):
    var_dir = tmp_path / "var"
    var_dir.mkdir(mode=0o755)
    (var_dir / "secret_key").write_text("an-old-key-that-sessions-depend-on\n")
    os.chmod(var_dir, 0o755)
    os.chmod(var_dir / "secret_key", 0o644)
    assert start_settings(var_dir) == "an-old-key-that-sessions-depend-on"
    assert (mode(var_dir), mode(var_dir / "secret_key")) == (0o700, 0o600)


def test_console_mail_files_and_their_folders_are_private(settings, tmp_path, capsys):
    settings.VAR_DIR = tmp_path / "var"
    settings.EMAIL_FILE_PATH = tmp_path / "var" / "mail"
    message = EmailMessage("Confirm", "https://x.example/confirm/t0ken/", to=["ana@example.org"])
    assert ConsoleAndFileBackend().send_messages([message]) == 1
    [written] = list((tmp_path / "var" / "mail").iterdir())
    assert (mode(tmp_path / "var"), mode(tmp_path / "var" / "mail"), mode(written)) == (
        0o700,
        0o700,
        0o600,
    )
    assert "https://x.example/confirm/t0ken/" in written.read_text()
    assert "https://x.example/confirm/t0ken/" in capsys.readouterr().out


def test_an_open_mail_folder_of_an_older_install_is_made_private(settings, tmp_path):
    folder = tmp_path / "mail"
    folder.mkdir(mode=0o755)
    os.chmod(folder, 0o755)
    settings.EMAIL_FILE_PATH = folder
    ConsoleAndFileBackend()
    assert mode(folder) == 0o700


def test_delivery_packages_and_their_folder_are_private(eu_petition, run_tasks, settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    make_signature(eu_petition, name="Lotte Peeters", country="BE")
    package = request_delivery_package(petition=eu_petition, requested_by=None)
    run_tasks()
    package.refresh_from_db()
    assert package.status == DeliveryStatus.READY
    path = deliveries_dir() / package.file_path
    assert zipfile.ZipFile(path).testzip() is None
    assert (mode(tmp_path / "var"), mode(deliveries_dir()), mode(path)) == (0o700, 0o700, 0o600)
    assert DeliveryPackage.objects.count() == 1


def test_build_delivery_package_command_writes_a_private_zip(eu_petition, tmp_path):
    make_signature(eu_petition, name="Lotte Peeters", country="BE")
    output = tmp_path / "package.zip"
    call_command("build_delivery_package", eu_petition.slug, "-o", str(output))
    assert mode(output) == 0o600


def test_export_command_writes_private_files_even_over_an_open_one(eu_petition, tmp_path):
    make_signature(eu_petition, name="Lotte Peeters", country="BE")
    fresh = tmp_path / "signers.csv"
    call_command("export_signatures", eu_petition.slug, "--format", "csv", "-o", str(fresh))
    existing = tmp_path / "old.xlsx"
    existing.write_bytes(b"old")
    os.chmod(existing, 0o644)
    call_command("export_signatures", eu_petition.slug, "--format", "xlsx", "-o", str(existing))
    assert (mode(fresh), mode(existing)) == (0o600, 0o600)
    assert "Lotte Peeters" in fresh.read_text(encoding="utf-8-sig")


def test_open_private_leaves_a_device_s_mode_alone():
    before = mode(Path("/dev/null"))
    with open_private("/dev/null") as stream:
        stream.write(b"nothing")
    assert mode(Path("/dev/null")) == before


def test_private_dir_creates_missing_parents_private(tmp_path):
    folder = private_dir(tmp_path / "a" / "b", root=tmp_path / "a")
    assert (mode(tmp_path / "a"), mode(folder)) == (0o700, 0o700)
