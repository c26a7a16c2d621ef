"""The embedded PostgreSQL server used when no DATABASE_URL is set.

It comes from the ``pgserver`` package, keeps its data in ``.pgdata/`` in the project folder
and is shared by every process of the project (web, worker, tests, commands).
"""

from __future__ import annotations

import logging
import os
import warnings
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("EMBEDDED_PG_DIR", BASE_DIR / ".pgdata"))
DATABASE_NAME = "campaign"

logging.getLogger("pgserver").setLevel(logging.WARNING)


def _server():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pgserver

        DATA_DIR.parent.mkdir(parents=True, exist_ok=True)
        # cleanup_mode=None: the server outlives this process; `stop()` ends it explicitly.
        return pgserver.get_server(DATA_DIR, cleanup_mode=None)


def database_url() -> str:
    """Start the embedded server if needed and return a URL for the project database.

    Side effects: may run initdb, start a postgres process, and create the database.
    """
    server = _server()
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';").strip()
    if "(1 row)" not in exists:
        server.psql(f"CREATE DATABASE {DATABASE_NAME};")
    return server.get_uri(DATABASE_NAME)


def stop() -> None:
    """Stop the embedded server if it is running (a fast shutdown)."""
    from pgserver import pg_ctl

    if not (DATA_DIR / "postmaster.pid").exists():
        return
    user = "pgserver" if os.geteuid() == 0 else None
    try:
        pg_ctl(["-w", "-m", "fast", "stop"], pgdata=DATA_DIR, user=user)
    except Exception:  # already stopped
        pass
