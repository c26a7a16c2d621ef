"""Mail settings read from the environment: EMAIL_URL, EMAIL_ESP and anymail's ANYMAIL_* values.

settings.py imports this module, so it imports nothing from Django but an exception class.
EMAIL_URL is parsed here rather than by a library: the common one (dj-email-url) reads
``smtps://`` as STARTTLS, while here it means implicit TLS on port 465, as in most mail clients.
"""

from __future__ import annotations

import json
import pkgutil
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import parse_qsl, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

CONSOLE_BACKEND = "campaign.core.mailer.ConsoleAndFileBackend"
SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
# A mail server that accepts the connection and then stalls must not hold a worker forever.
DEFAULT_SMTP_TIMEOUT = 30.0
EMAIL_URL_FORMS = (
    "smtp://user:password@host:587 (STARTTLS), smtps://user:password@host:465 (TLS), "
    "smtp://host:25 (plain) or console://"
)
# Backends that deliver nothing to anyone: with DEBUG=0 they need ALLOW_CONSOLE_MAIL=1.
UNDELIVERING_BACKENDS = frozenset(
    {
        CONSOLE_BACKEND,
        "django.core.mail.backends.console.EmailBackend",
        "django.core.mail.backends.filebased.EmailBackend",
        "campaign.core.mailer.PrivateFileBackend",
        "django.core.mail.backends.locmem.EmailBackend",
        "django.core.mail.backends.dummy.EmailBackend",
        "anymail.backends.console.EmailBackend",
        "anymail.backends.test.EmailBackend",
    }
)
# anymail backends that are aliases, test doubles or no longer supported by anymail itself:
# they still work, but the README does not offer them.
UNLISTED_ESPS = {"console", "sendgrid", "sendinblue", "test"}


@dataclass(frozen=True)
class MailTransport:
    """Django's EMAIL_* settings for one way of sending mail; defaults are Django's own."""

    backend: str
    host: str = "localhost"
    port: int = 25
    username: str = ""
    password: str = ""
    use_tls: bool = False
    use_ssl: bool = False
    timeout: float | None = None


def mail_transport(*, email_url: str, esp: str) -> MailTransport:
    """The transport EMAIL_URL or EMAIL_ESP names; console and var/mail when neither is set."""
    if email_url and esp:
        raise ImproperlyConfigured(
            "Set either EMAIL_URL (an SMTP server) or EMAIL_ESP (an anymail ESP), not both."
        )
    if esp:
        return MailTransport(backend=esp_backend(esp))
    return parse_email_url(email_url or "console://")


def backend_from_environ(environ: Mapping[str, str]) -> str:
    """The EMAIL_BACKEND settings.py arrives at with these environment variables."""
    return (
        environ.get("EMAIL_BACKEND")
        or (
            mail_transport(email_url=environ.get("EMAIL_URL", ""), esp=environ.get("EMAIL_ESP", ""))
        ).backend
    )


def undelivered_mail_error(*, debug: bool, backend: str, allow_console: bool) -> str | None:
    """Why production mode must not start with ``backend``, or None when it may.

    With DEBUG=0 a backend that delivers nothing (the default console and var/mail, an explicit
    ``console://``, or EMAIL_BACKEND naming such a class) would print live confirm and withdraw
    links into logs while signers wait in vain; only ALLOW_CONSOLE_MAIL=1 accepts that.
    """
    if debug or allow_console or backend not in UNDELIVERING_BACKENDS:
        return None
    return (
        f"DEBUG is off but mail is not delivered to anyone ({backend} prints it on the console "
        "or keeps it in files, with live confirm and withdraw links). Set EMAIL_URL "
        "(smtp://user:password@host:587) or EMAIL_ESP with its ANYMAIL_* settings; for a "
        "benchmark or a demo without real signers set ALLOW_CONSOLE_MAIL=1 (make serve does)."
    )


def esp_backend(esp: str) -> str:
    """anymail's backend for EMAIL_ESP, which must name one of anymail.backends' modules."""
    if esp not in (*supported_esps(), *UNLISTED_ESPS):
        raise ImproperlyConfigured(
            f"EMAIL_ESP={esp!r} is not an anymail ESP; use one of {', '.join(supported_esps())}."
        )
    return f"anymail.backends.{esp}.EmailBackend"


def supported_esps() -> list[str]:
    """The ESP modules the installed anymail ships and supports (README's EMAIL_ESP row)."""
    import anymail.backends  # noqa: PLC0415 -- the settings import this module: anymail loads later

    return sorted(
        module.name
        for module in pkgutil.iter_modules(anymail.backends.__path__)
        if module.name not in UNLISTED_ESPS and not module.name.startswith("base")
    )


def parse_email_url(url: str) -> MailTransport:
    """Read EMAIL_URL; never quotes the URL in an error, as it holds a password.

    ``smtp://`` uses STARTTLS, except on port 25 (a relay, plain) or with ``?starttls=no``;
    ``smtps://`` is TLS from the first byte. User and password are percent-decoded.
    ``?timeout=SECONDS`` bounds each connection (30 by default).
    """
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as error:
        raise ImproperlyConfigured(f"EMAIL_URL is not a valid URL ({error}).") from None
    scheme = parts.scheme.lower()
    if scheme == "console":
        if parts.netloc or parts.path.strip("/") or parts.query:
            raise ImproperlyConfigured("EMAIL_URL=console:// takes no host, path or options.")
        return MailTransport(backend=CONSOLE_BACKEND)
    if scheme not in ("smtp", "smtps"):
        raise ImproperlyConfigured(
            f"EMAIL_URL must be {EMAIL_URL_FORMS}; its scheme {scheme!r} is none of these."
        )
    if not parts.hostname:
        raise ImproperlyConfigured(f"EMAIL_URL has no host; use {EMAIL_URL_FORMS}.")
    if parts.path.strip("/"):
        raise ImproperlyConfigured("EMAIL_URL takes no path after the host and port.")
    username = unquote(parts.username or "")
    password = unquote(parts.password or "")
    if bool(username) != bool(password):
        raise ImproperlyConfigured(
            "EMAIL_URL needs both a user and a password, or neither (percent-encode "
            "characters such as @ : / in them)."
        )
    options = dict(parse_qsl(parts.query, keep_blank_values=True))
    unknown = sorted(set(options) - {"timeout", "starttls"})
    if unknown:
        raise ImproperlyConfigured(
            f"EMAIL_URL has unknown options {', '.join(unknown)}; it takes timeout and starttls."
        )
    if scheme == "smtps":
        if "starttls" in options:
            raise ImproperlyConfigured(
                "EMAIL_URL with smtps:// is TLS already; starttls is for smtp:// only."
            )
        port = port or 465
        use_tls, use_ssl = False, True
    else:
        starttls = options.get("starttls", "no" if port == 25 else "yes").lower()
        if starttls not in ("yes", "no"):
            raise ImproperlyConfigured("EMAIL_URL's starttls option must be yes or no.")
        use_tls, use_ssl = starttls == "yes", False
        port = port or (587 if use_tls else 25)
    return MailTransport(
        backend=SMTP_BACKEND,
        host=parts.hostname,
        port=port,
        username=username,
        password=password,
        use_tls=use_tls,
        use_ssl=use_ssl,
        timeout=_timeout(options.get("timeout")),
    )


def _timeout(value: str | None) -> float:
    if value is None:
        return DEFAULT_SMTP_TIMEOUT
    try:
        seconds = float(value)
    except ValueError:
        seconds = 0
    if not 0 < seconds < float("inf"):
        raise ImproperlyConfigured("EMAIL_URL's timeout option must be a number of seconds > 0.")
    return seconds


def anymail_settings(environ: dict[str, str]) -> dict:
    """The ANYMAIL setting from every ANYMAIL_<NAME> variable, JSON values decoded.

    A value that looks like JSON (an object, a list, true or false) is decoded, and so is any
    *_SEND_DEFAULTS, *_PARAMS or *_TIMEOUT whatever it looks like, since anymail expects a
    dict, a dict or a number there; an API key or secret stays the string it is.
    """
    result = {}
    for key, value in environ.items():
        if not key.startswith("ANYMAIL_"):
            continue
        name = key.removeprefix("ANYMAIL_")
        result[name] = _anymail_value(key, value)
    return result


def _anymail_value(key: str, value: str):
    text = value.strip()
    expects_object = key.endswith(("SEND_DEFAULTS", "_PARAMS"))
    expects_json = expects_object or key.endswith("_TIMEOUT")
    if not expects_json and not text.startswith(("{", "[")):
        return {"true": True, "false": False}.get(text.lower(), value)
    try:
        decoded = json.loads(text)
    except ValueError as error:
        raise ImproperlyConfigured(f"{key} is not valid JSON ({error}).") from None
    if expects_object and not isinstance(decoded, dict):
        raise ImproperlyConfigured(f'{key} must be a JSON object, e.g. {{"tags": ["petition"]}}.')
    return decoded
