"""Deployment checks on the settings (`manage.py check --deploy`): mail, shared caches, keys."""

from __future__ import annotations

from django.conf import settings
from django.core import checks

from campaign.conf.mail_settings import undelivered_mail_error


@checks.register(checks.Tags.security, deploy=True)
def check_mail_is_delivered(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """Production mode (DEBUG=0) needs a mail transport that reaches signers."""
    error = undelivered_mail_error(
        debug=settings.DEBUG,
        backend=settings.EMAIL_BACKEND,
        allow_console=settings.ALLOW_CONSOLE_MAIL,
    )
    if error is None:
        return []
    return [checks.Error(error, id="campaign.E001")]


@checks.register(checks.Tags.security, deploy=True)
def check_rate_limit_cache(app_configs, **kwargs):
    """Login rate limits and used TOTP codes live in the default cache; a per-process cache
    lets attackers spread their tries over the processes and replay a code."""
    backend = settings.CACHES["default"]["BACKEND"]
    if backend.endswith(("LocMemCache", "DummyCache", "FileBasedCache")):
        return [
            checks.Warning(
                "Login rate limits and TOTP one-time use are kept per process.",
                hint="Use the database cache (the default without REDIS_URL) or set REDIS_URL.",
                id="campaign.W001",
            )
        ]
    return []


@checks.register(checks.Tags.security, deploy=True)
def check_mfa_encryption_key(app_configs, **kwargs):
    """TOTP secrets need a key of their own: one derived from SECRET_KEY changes with it."""
    if not settings.MFA_ENCRYPTION_KEY:
        return [
            checks.Warning(
                "MFA_ENCRYPTION_KEY is not set: TOTP secrets are encrypted with a key derived "
                "from SECRET_KEY.",
                hint="Set MFA_ENCRYPTION_KEY (or MFA_ENCRYPTION_KEY_FILE) to a long random "
                "value kept outside the database and its backups; see docs/SECURITY.md.",
                id="campaign.W002",
            )
        ]
    return []
