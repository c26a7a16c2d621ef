"""TOTP secrets are encrypted at rest with a key outside the database, and keys can rotate."""

from __future__ import annotations

import importlib
import io

from allauth.mfa.models import Authenticator
from django.apps import apps
from django.core.management import call_command

from campaign.conf.checks import check_mfa_encryption_key
from campaign.core.secrets import decrypt_secret, encrypt_secret
from tests.campaign.organize.conftest import SECRET, login, make_user

encrypt_migration = importlib.import_module(
    "campaign.campaigns.migrations.0008_encrypt_mfa_secrets"
)


def stored(user, kind=Authenticator.Type.TOTP) -> dict:
    return Authenticator.objects.get(user=user, type=kind).data


def test_totp_secret_is_not_stored_in_plaintext_and_login_still_works(client, campaigns):
    user = make_user("owner@example.org")
    secret = stored(user)["secret"]
    assert (secret.startswith("fernet:"), SECRET in secret) == (True, False)
    assert decrypt_secret(secret) == SECRET
    login(client, user)


def test_migration_encrypts_existing_plaintext_secrets(client, campaigns):
    user = make_user("owner@example.org", totp=False)
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": SECRET})
    Authenticator.objects.create(
        user=user,
        type=Authenticator.Type.RECOVERY_CODES,
        data={"seed": "0123456789abcdef", "used_mask": 0},
    )
    encrypt_migration.encrypt_secrets(apps, None)
    totp, codes = stored(user), stored(user, Authenticator.Type.RECOVERY_CODES)
    assert (decrypt_secret(totp["secret"]), SECRET in totp["secret"]) == (SECRET, False)
    assert (decrypt_secret(codes["seed"]), codes["used_mask"]) == ("0123456789abcdef", 0)
    login(client, user)


def test_a_rotated_key_still_decrypts_until_secrets_are_reencrypted(settings, campaigns):
    settings.MFA_ENCRYPTION_KEY = "old key " * 8
    user = make_user("owner@example.org")
    under_old_key = stored(user)["secret"]
    settings.MFA_ENCRYPTION_KEY = "new key " * 8
    settings.MFA_ENCRYPTION_KEY_FALLBACKS = ["old key " * 8]
    assert decrypt_secret(under_old_key) == SECRET
    out = io.StringIO()
    call_command("reencrypt_mfa_secrets", stdout=out)
    assert out.getvalue() == "Authenticators re-encrypted: 1\n"
    settings.MFA_ENCRYPTION_KEY_FALLBACKS = []
    assert decrypt_secret(stored(user)["secret"]) == SECRET
    assert encrypt_secret(SECRET) != encrypt_secret(SECRET)  # a fresh IV every time


def test_setting_a_key_keeps_secrets_stored_under_the_laptop_default(settings, campaigns):
    settings.MFA_ENCRYPTION_KEY = ""
    user = make_user("owner@example.org")
    under_secret_key = stored(user)["secret"]
    settings.MFA_ENCRYPTION_KEY = "own key " * 8
    assert decrypt_secret(under_secret_key) == SECRET
    call_command("reencrypt_mfa_secrets", stdout=io.StringIO())
    settings.SECRET_KEY = "a rotated secret key " * 4
    assert decrypt_secret(stored(user)["secret"]) == SECRET


def test_deploy_check_asks_for_a_key_of_its_own(settings):
    settings.MFA_ENCRYPTION_KEY = ""
    assert [w.id for w in check_mfa_encryption_key(None)] == ["campaign.W002"]
    settings.MFA_ENCRYPTION_KEY = "k" * 64
    assert check_mfa_encryption_key(None) == []
