"""System checks for the campaign app's deployment (`manage.py check --deploy`)."""

from __future__ import annotations

from django.conf import settings
from django.core import checks

from campaign.mailconfig import undelivered_mail_error


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
