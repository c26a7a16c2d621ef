"""The database connection's health check: skipped while busy, done after an idle spell."""

import psycopg2
import pytest
from django.db import OperationalError, connection

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
    settings.HEALTH_CHECK_IDLE_SECONDS = 0
    query()
    finish_request()
    drop_server_side()
    start_request()
    assert query() == 1


def test_a_busy_connection_is_not_checked_and_a_dropped_one_fails_once(settings):
    settings.HEALTH_CHECK_IDLE_SECONDS = 60
    query()
    finish_request()
    drop_server_side()
    start_request()
    with pytest.raises(OperationalError):
        query()
    # Django closes a connection that failed at the end of the request; the next one works.
    finish_request()
    start_request()
    assert query() == 1
