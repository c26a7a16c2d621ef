"""Production mode (DEBUG=0) does not start without a mail transport that reaches signers."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import checks

from campaign.conf.checks import check_mail_is_delivered
from campaign.conf.mail_settings import CONSOLE_BACKEND, undelivered_mail_error
from campaign.devtools import launcher

BASE_DIR = Path(__file__).resolve().parents[3]
CONSOLE_ERROR = undelivered_mail_error(debug=False, backend=CONSOLE_BACKEND, allow_console=False)
# A laptop's variables: no mail transport, and none of the test run's own overrides.
UNSET = ("EMAIL_URL", "EMAIL_ESP", "EMAIL_BACKEND", "ALLOW_CONSOLE_MAIL", "DEBUG")


def production_env(tmp_path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in UNSET}
    env.update(
        DEBUG="0",
        SECRET_KEY="k3y-" + "x7Qp9" * 12,
        VAR_DIR=str(tmp_path),
        DATABASE_URL=os.environ["DATABASE_URL"],
        **extra,
    )
    return env


def run(command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        command, cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )


def test_console_error_names_the_fix():
    assert CONSOLE_ERROR == (
        "DEBUG is off but mail is not delivered to anyone (campaign.core.mailer.ConsoleAndFileBackend "
        "prints it on the console or keeps it in files, with live confirm and withdraw links). "
        "Set EMAIL_URL (smtp://user:password@host:587) or EMAIL_ESP with its ANYMAIL_* "
        "settings; for a benchmark or a demo without real signers set ALLOW_CONSOLE_MAIL=1 "
        "(make serve does)."
    )


@pytest.mark.parametrize(
    ("debug", "backend", "allow", "refused"),
    [
        (False, CONSOLE_BACKEND, False, True),  # no EMAIL_URL, no EMAIL_ESP, or console://
        (False, "django.core.mail.backends.console.EmailBackend", False, True),
        (False, "django.core.mail.backends.filebased.EmailBackend", False, True),
        (False, "django.core.mail.backends.dummy.EmailBackend", False, True),
        (False, "campaign.core.mailer.PrivateFileBackend", False, True),
        (False, CONSOLE_BACKEND, True, False),  # ALLOW_CONSOLE_MAIL=1: a benchmark, a demo
        (True, CONSOLE_BACKEND, False, False),  # make run
        (False, "django.core.mail.backends.smtp.EmailBackend", False, False),
        (False, "anymail.backends.postmark.EmailBackend", False, False),
    ],
)
def test_deploy_check_refuses_undelivered_mail_in_production(
    settings, debug, backend, allow, refused
):
    settings.DEBUG = debug
    settings.EMAIL_BACKEND = backend
    settings.ALLOW_CONSOLE_MAIL = allow
    expected = undelivered_mail_error(debug=False, backend=backend, allow_console=False)
    assert check_mail_is_delivered(None) == (
        [checks.Error(expected, id="campaign.E001")] if refused else []
    )


def test_check_deploy_fails_with_console_mail_and_passes_with_the_opt_in(tmp_path):
    command = [sys.executable, "manage.py", "check", "--deploy", "--tag", "security"]
    refused = run(command, production_env(tmp_path))
    assert refused.returncode == 1
    assert f"?: (campaign.E001) {CONSOLE_ERROR}" in refused.stderr.splitlines()
    explicit = run(command, production_env(tmp_path, EMAIL_URL="console://"))
    assert explicit.returncode == 1
    allowed = run(command, production_env(tmp_path, ALLOW_CONSOLE_MAIL="1"))
    assert (allowed.returncode, "campaign.E001" in allowed.stdout + allowed.stderr) == (0, False)


def test_gunicorn_does_not_load_the_app_with_console_mail(tmp_path):
    command = [sys.executable, "-m", "gunicorn", "--check-config", "campaign.wsgi"]
    refused = run(command, production_env(tmp_path))
    assert refused.returncode == 1
    assert refused.stderr.splitlines()[-1] == (
        f"django.core.exceptions.ImproperlyConfigured: {CONSOLE_ERROR}"
    )
    smtp = production_env(tmp_path, EMAIL_URL="smtp://127.0.0.1:1025")
    assert run(command, smtp).returncode == 0


def test_launcher_serve_refuses_before_starting_anything(tmp_path):
    refused = run(
        [sys.executable, "-m", "campaign.devtools.launcher", "serve"], production_env(tmp_path)
    )
    assert (refused.returncode, refused.stdout, refused.stderr) == (
        2,
        "",
        f"Not starting: {CONSOLE_ERROR}\n",
    )


@pytest.mark.parametrize(
    ("variables", "refused"),
    [
        ({}, True),
        ({"EMAIL_URL": "console://"}, True),
        ({"EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend"}, True),
        ({"ALLOW_CONSOLE_MAIL": "1"}, False),
        ({"EMAIL_URL": "smtps://u:p@127.0.0.1:465"}, False),
        ({"DEBUG": "1"}, False),
    ],
)
def test_launcher_reads_the_same_rule_from_the_environment(monkeypatch, variables, refused):
    for name in UNSET:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DEBUG", "0")
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    assert (launcher.mail_refusal() is not None) == refused


@pytest.mark.parametrize(("given", "seen"), [(None, "1"), ("0", "0")])
def test_make_serve_opts_in_to_console_mail_unless_told_otherwise(given, seen):
    # A probe target added to serve's prerequisites inherits serve's variables; "+" runs its
    # recipe even under -n, which only prints the rest.
    probe = 'serve: probe\nprobe:\n\t+@echo "ALLOW_CONSOLE_MAIL=$$ALLOW_CONSOLE_MAIL"\n'
    env = {k: v for k, v in os.environ.items() if k != "ALLOW_CONSOLE_MAIL"}
    if given is not None:
        env["ALLOW_CONSOLE_MAIL"] = given
    ran = subprocess.run(
        ["make", "-n", "--no-print-directory", "-f", "Makefile", "-f", "-", "serve"],
        cwd=BASE_DIR,
        input=probe,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert [line for line in ran.stdout.splitlines() if line.startswith("ALLOW")] == [
        f"ALLOW_CONSOLE_MAIL={seen}"
    ]
