"""Production serving: 503 on a database outage, conditional GET, server cache, task backends."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time

import pytest
from django.db import connections

from campaign.conf.dbrouting import read_only_alias
from petitions.mail.tasks import send_confirmation_email

EU = "banfacialrecognitioneu"


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def database_down(transactional_db):
    """Point the default connection at a port where nothing listens, for this test only."""
    connection = connections["default"]
    saved = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict.update({"HOST": "127.0.0.1", "PORT": str(closed_port())})
    yield
    connection.close()
    connection.settings_dict.clear()
    connection.settings_dict.update(saved)


def test_database_outage_answers_503_with_retry_after(client, database_down):
    response = client.get(f"/en/{EU}/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response["Cache-Control"] == "no-store"
    assert response.content.decode() == (
        "We are very busy or briefly down for maintenance. Please try again in a minute.\n"
    )
    assert not response.cookies


def test_database_outage_answers_503_to_a_signature(client, database_down):
    response = client.post(
        f"/en/{EU}/sign/",
        {"name": "Ana", "email": "ana@example.org", "country": "DE", "privacy_consent": "on"},
    )
    assert (response.status_code, response["Retry-After"]) == (503, "5")


def test_healthz_answers_while_the_database_is_down(client, database_down):
    response = client.get("/healthz")
    assert (response.status_code, response.content) == (200, b"ok\n")


@pytest.mark.parametrize("path", [f"/en/{EU}/", f"/api/v1/petitions/{EU}"])
def test_public_reads_answer_304_to_a_matching_etag(client, campaigns, path):
    first = client.get(path)
    assert first.status_code == 200
    again = client.get(path, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == first["ETag"]


def test_campaign_page_keeps_its_etag_until_the_count_changes(
    client, campaigns, settings, monkeypatch
):
    from petitions.models import Signature
    from petitions.signing.service import create_signature
    from tests.petitions.helpers import confirm_signature

    settings.FORM_TOKEN_WINDOW = 3600
    clock = [(int(time.time()) // 3600 + 1) * 3600 + 5.0]  # early in a window
    monkeypatch.setattr("time.time", lambda: clock[0])
    first = client.get(f"/en/{EU}/")
    clock[0] += 40
    again = client.get(f"/en/{EU}/")
    revalidated = client.get(f"/en/{EU}/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert (first.status_code, again.status_code, revalidated.status_code) == (200, 200, 304)
    assert again["ETag"] == first["ETag"]
    assert again.content == first.content
    outcome = create_signature(
        petition=campaigns[EU].petition,
        name="Ana",
        email="ana@example.org",
        country="DE",
        locale="en",
        consent_text_ids=[],
    )
    confirm_signature(public_id=Signature.objects.get(pk=outcome.signature_id).public_id)
    clock[0] += 5
    counted = client.get(f"/en/{EU}/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert counted.status_code == 200
    assert counted["ETag"] != first["ETag"]


def test_api_served_from_the_server_cache_keeps_cors_and_max_age(client, campaigns, settings):
    settings.PAGE_CACHE_SECONDS = 5
    from django.core.cache import caches

    caches["pages"].clear()
    answers = [client.get(f"/api/v1/petitions/{EU}") for _ in range(2)]
    for response in answers:
        assert response.status_code == 200
        assert response["Access-Control-Allow-Origin"] == "*"
        assert response["Cache-Control"] == "public, max-age=30"
        assert response["ETag"] == answers[0]["ETag"]
        assert not response.cookies
    assert answers[1].json() == answers[0].json()


def test_cached_campaign_page_reuses_the_stored_answer(
    client, campaigns, settings, django_assert_num_queries
):
    settings.PAGE_CACHE_SECONDS = 5
    from django.core.cache import caches

    caches["pages"].clear()
    first = client.get(f"/en/{EU}/")
    with django_assert_num_queries(0):
        second = client.get(f"/en/{EU}/")
    assert (second.status_code, second.content) == (200, first.content)
    assert second["Cache-Control"] == "public, max-age=30"
    assert not second.cookies


def test_cached_home_page_reuses_the_stored_answer(
    client, campaigns, settings, django_assert_num_queries
):
    settings.PAGE_CACHE_SECONDS = 5
    from django.core.cache import caches

    caches["pages"].clear()
    first = client.get("/de/")
    with django_assert_num_queries(0):
        second = client.get("/de/")
    assert (second.status_code, second.content) == (200, first.content)
    assert second["Cache-Control"] == "public, max-age=30"
    assert second["ETag"] == first["ETag"]
    assert not second.cookies


def test_public_pages_and_signing_set_no_cookie(client, campaigns, settings):
    settings.PAGE_CACHE_SECONDS = 5
    from django.core.cache import caches

    caches["pages"].clear()
    page = client.get(f"/en/{EU}/")
    token = page.content.decode().split('name="form_token" value="', 1)[1].split('"', 1)[0]
    signed = client.post(
        f"/en/{EU}/sign/",
        {
            "name": "Ana",
            "email": "ana@example.org",
            "country": "DE",
            "privacy_consent": "on",
            "form_token": token,
        },
    )
    assert signed.status_code == 303
    for response in (page, signed, client.get(f"/api/v1/petitions/{EU}")):
        assert "Set-Cookie" not in response.headers
        assert not response.cookies


def settings_under(env: dict[str, str]) -> dict:
    """campaign.settings as a fresh process with these variables sees them."""
    code = (
        "import json; from campaign import settings as s; print(json.dumps({"
        "'tasks': s.TASKS, 'apps': s.INSTALLED_APPS, "
        "'rq': getattr(s, 'RQ_QUEUES', None), 'databases': sorted(s.DATABASES)}))"
    )
    base = {"DATABASE_URL": "postgres://postgres@127.0.0.1:5432/unused", "SECRET_KEY": "x" * 50}
    out = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, **base, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_task_backend_rq_selects_the_redis_backend():
    seen = settings_under({"TASK_BACKEND": "rq", "REDIS_URL": "redis://127.0.0.1:6379/5"})
    assert seen["tasks"] == {
        "default": {"BACKEND": "petitions.queue.backends.OnCommitRQBackend", "QUEUES": ["default"]}
    }
    assert "django_rq" in seen["apps"]
    assert seen["rq"] == {"default": {"URL": "redis://127.0.0.1:6379/5", "DEFAULT_TIMEOUT": 300}}


def test_task_backend_defaults_to_the_database_queue():
    seen = settings_under({"TASK_BACKEND": "db"})
    assert seen["tasks"] == {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    assert "django_rq" not in seen["apps"]
    assert seen["rq"] is None


def test_replica_alias_only_when_configured():
    assert settings_under({})["databases"] == ["default"]
    replica = {"DATABASE_REPLICA_URL": "postgres://reader@127.0.0.1:5432/replica"}
    assert settings_under(replica)["databases"] == ["default", "replica"]


def test_read_only_alias_falls_back_to_default(settings):
    assert read_only_alias() == "default"
    settings.DATABASES = {**settings.DATABASES, "replica": settings.DATABASES["default"]}
    assert read_only_alias() == "replica"


def test_rq_backend_pushes_a_job_only_when_the_transaction_commits(
    db, settings, django_capture_on_commit_callbacks
):
    from petitions.queue.backends import OnCommitRQBackend

    # A port where no Redis listens: pushing inside the transaction would fail at once.
    settings.RQ_QUEUES = {"default": {"URL": f"redis://127.0.0.1:{closed_port()}/0"}}
    backend = OnCommitRQBackend("default", {"QUEUES": ["default"], "OPTIONS": {}})
    task = send_confirmation_email.using(backend="default")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        result = backend.enqueue(task, (), {"signature_id": 1})
    assert len(callbacks) == 1
    assert (list(result.args), result.kwargs) == ([], {"signature_id": 1})


def test_the_email_worker_runs_below_the_web_in_a_session_of_its_own():
    from campaign.devtools.launcher import Child

    child = Child("sleeper", lambda: [sys.executable, "-c", "import time; time.sleep(30)"], nice=19)
    child.start()
    try:
        pid = child.process.pid
        fields = open(f"/proc/{pid}/stat").read().rsplit(") ", 1)[1].split()
        session, nice = int(fields[3]), int(fields[16])
        assert nice == min(19, os.nice(0) + 19)
        assert session == pid != os.getsid(0)
    finally:
        child.process.kill()
        child.process.wait()


def test_api_and_pages_do_not_vary_by_language_but_negotiated_answers_do(
    client, campaigns, settings
):
    settings.PAGE_CACHE_SECONDS = 5
    from django.core.cache import caches

    caches["pages"].clear()
    # Built, then served from the server's cache: a CDN may keep one copy for every visitor.
    for _ in range(2):
        api = client.get(f"/api/v1/petitions/{EU}", HTTP_ACCEPT_LANGUAGE="pt-BR")
        assert api.status_code == 200
        assert api["Vary"] == "Accept-Encoding"
    # A page's language is in its path.
    assert client.get(f"/en/{EU}/", HTTP_ACCEPT_LANGUAGE="pt-BR")["Vary"] == "Accept-Encoding"
    negotiated = client.get("/", HTTP_ACCEPT_LANGUAGE="pt-BR")
    assert negotiated["Vary"] == "Accept-Language, Cookie"
