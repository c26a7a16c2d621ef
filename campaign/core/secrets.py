"""TOTP secrets and recovery-code seeds encrypted at rest, with a key kept outside the database.

allauth stores them through its MFA adapter's ``encrypt``/``decrypt`` hooks; here they become
Fernet tokens (AES-128-CBC with HMAC-SHA256, from the ``cryptography`` package) under a key
derived from MFA_ENCRYPTION_KEY, or from SECRET_KEY on a laptop where that is unset. Old keys
in MFA_ENCRYPTION_KEY_FALLBACKS still decrypt, so a key can be rotated: add the new key, move
the old one to the fallbacks, run ``manage.py reencrypt_mfa_secrets``, then drop the fallback.
A copy of the database alone (a dump, a backup, a read-only injection) reveals no secret.
"""

from __future__ import annotations

import base64
import functools

from allauth.mfa.adapter import DefaultMFAAdapter
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

PREFIX = "fernet:"


def _fernet_key(key: str) -> bytes:
    """Any configured string (a passphrase or random text) stretched to a 32-byte Fernet key."""
    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=b"campaign-mfa-secrets", info=b"fernet"
    ).derive(key.encode())
    return base64.urlsafe_b64encode(derived)


def configured_keys() -> tuple[str, ...]:
    """The current key first, then the fallbacks that may still decrypt.

    With MFA_ENCRYPTION_KEY set, the SECRET_KEY-derived laptop default stays last, for
    decryption only: secrets stored before the key was set keep opening until
    ``reencrypt_mfa_secrets`` moves them under it.
    """
    default = (settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS)
    if settings.MFA_ENCRYPTION_KEY:
        return (settings.MFA_ENCRYPTION_KEY, *settings.MFA_ENCRYPTION_KEY_FALLBACKS, *default)
    return default


@functools.lru_cache(maxsize=4)
def _cipher(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(_fernet_key(key)) for key in keys])


def encrypt_secret(text: str) -> str:
    return PREFIX + _cipher(configured_keys()).encrypt(text.encode()).decode()


def decrypt_secret(stored: str) -> str:
    """The secret; ValueError for a value that is not ours or that no configured key opens."""
    if not stored.startswith(PREFIX):
        raise ValueError("MFA secret is not encrypted")
    try:
        return _cipher(configured_keys()).decrypt(stored.removeprefix(PREFIX).encode()).decode()
    except InvalidToken as exc:
        raise ValueError("no configured MFA_ENCRYPTION_KEY opens this secret") from exc


def reencrypt_secret(stored: str) -> str:
    """A value under the current key: plaintext is encrypted, a token re-encrypted."""
    if stored.startswith(PREFIX):
        return encrypt_secret(decrypt_secret(stored))
    return encrypt_secret(stored)


def reencrypt_authenticator_data(data: dict) -> dict:
    """Authenticator.data with every secret (TOTP secret, recovery-code seed and migrated
    codes) under the current key."""
    data = dict(data)
    for field in ("secret", "seed"):
        if isinstance(data.get(field), str):
            data[field] = reencrypt_secret(data[field])
    if isinstance(data.get("migrated_codes"), list):
        data["migrated_codes"] = [reencrypt_secret(code) for code in data["migrated_codes"]]
    return data


def reencrypt_authenticators(authenticator_model) -> int:
    """Re-encrypt every stored authenticator under the current key; returns how many.

    Side effects: one UPDATE per authenticator. Used by the migration that first encrypted
    the secrets and by ``manage.py reencrypt_mfa_secrets`` after a key rotation.
    """
    count = 0
    for authenticator in authenticator_model.objects.all().iterator():
        authenticator.data = reencrypt_authenticator_data(authenticator.data)
        authenticator.save(update_fields=["data"])
        count += 1
    return count


class MFAAdapter(DefaultMFAAdapter):
    def encrypt(self, text: str) -> str:
        return encrypt_secret(text)

    def decrypt(self, encrypted_text: str) -> str:
        return decrypt_secret(encrypted_text)
