"""Django's PostgreSQL backend, with the per-request health check skipped while a connection is busy."""
