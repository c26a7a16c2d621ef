"""The database connection's health check (Django's CONN_HEALTH_CHECKS): a connection the server
dropped between requests is replaced before the next request uses it."""

import psycopg2
import pytest
from django.db import connection

pytestmark = pytest.mark.django_db(transaction=True)


def drop_server_side():
    """End this connection's server process from another connection, as a restart would."""
    pid = connection.connection.info.backend_pid
    params = connection.get_connection_params()
    other = psycopg2.connect(**params)
    other.autocommit = True
    with other.cursor() as cursor:
        # With a timeout, it returns once the process is gone, not as soon as it is signalled.
        cursor.execute("SELECT pg_terminate_backend(%s, 5000)", [pid])
    other.close()


def finish_request():
    """What Django does at the end of a request (request_finished -> close_old_connections)."""
    connection.close_if_unusable_or_obsolete()


def start_request():
    connection.close_if_unusable_or_obsolete()


def query():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone()[0]


def test_a_connection_idle_for_a_while_is_checked_and_replaced(settings):
    query()
    finish_request()
    drop_server_side()
    start_request()
    assert query() == 1
