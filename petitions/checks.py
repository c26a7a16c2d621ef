"""System checks for the signing path's deployment (`manage.py check --deploy`)."""

from __future__ import annotations

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def check_trusted_proxy_count(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """An https site served by gunicorn has a TLS proxy in front, which TRUSTED_PROXY_COUNT must
    count; the request path also logs a mismatch it sees (campaign.web.http.client_ip)."""
    count = settings.TRUSTED_PROXY_COUNT
    if count < 0:
        return [
            checks.Error(
                "TRUSTED_PROXY_COUNT is negative.",
                hint="Set it to the number of reverse proxies in front of the app (0 for none).",
                id="petitions.E001",
            )
        ]
    if count == 0 and settings.SITE_URL.startswith("https://"):
        return [
            checks.Warning(
                "SITE_URL is https but TRUSTED_PROXY_COUNT is 0.",
                hint=(
                    "When a reverse proxy terminates TLS, every supporter shares its address "
                    "and the per-address rate limit holds real signatures: set "
                    "TRUSTED_PROXY_COUNT as docs/DEPLOYMENT.md gives it for your proxy (only "
                    "a gunicorn that terminates TLS itself needs 0)."
                ),
                id="petitions.W001",
            )
        ]
    return []
