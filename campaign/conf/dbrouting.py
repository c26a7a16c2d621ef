"""Where heavy read-only queries go: the read replica when one is configured."""

from __future__ import annotations

from django.conf import settings


def read_only_alias() -> str:
    """The database alias for exports and reports: "replica" when DATABASE_REPLICA_URL is set.

    Use it as ``Signature.objects.using(read_only_alias())``. A replica lags the primary by
    a little, which exports tolerate; never use it for anything that writes or must read
    its own writes (signing, confirming, counting).
    """
    return "replica" if "replica" in settings.DATABASES else "default"
