"""Django's PostgreSQL backend with a cheaper connection health check.

With CONN_HEALTH_CHECKS, Django sends ``SELECT 1`` before the first query of every request on
a reused connection, so a connection the server dropped (a restart, a failover) is replaced
instead of failing the request. Under a surge that is one more round trip per request on a
connection that answered a few milliseconds earlier. Here the check is skipped when the
connection finished a request without a database error less than HEALTH_CHECK_IDLE_SECONDS
ago; a connection idle for longer is checked as before. If the server goes away in between,
that request fails with the fast 503 of campaign.web.middleware.DatabaseUnavailableMiddleware
and Django closes the connection at its end, so the next request reconnects.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    answered_at: float | None = None

    def close_if_health_check_failed(self):
        if (
            self.connection is not None
            and self.health_check_enabled
            and not self.health_check_done
            and self.answered_at is not None
            and time.monotonic() - self.answered_at < settings.HEALTH_CHECK_IDLE_SECONDS
        ):
            self.health_check_done = True
            return
        super().close_if_health_check_failed()

    def close_if_unusable_or_obsolete(self):
        # health_check_done: this request used the connection (Django resets it here); with no
        # error recorded, the server answered it.
        if self.connection is not None and self.health_check_done and not self.errors_occurred:
            self.answered_at = time.monotonic()
        super().close_if_unusable_or_obsolete()

    def close(self):
        self.answered_at = None
        super().close()
