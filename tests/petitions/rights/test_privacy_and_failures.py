from django.core import mail
from django_tasks_db.models import DBTaskResult

from petitions.models import Signature
from tests.conftest import confirm_link
from tests.petitions.helpers import TOKEN, sign

BR = "tiremeurostodasuamira"


class FailingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionError("the mail service is down")


def test_whole_signing_flow_sets_no_cookie(client, br_petition, run_tasks):
    responses = [client.get("/", HTTP_ACCEPT_LANGUAGE="pt-BR"), client.get("/pt-br/")]
    page = client.get(f"/pt-br/{BR}/")
    responses.append(page)
    token = TOKEN.search(page.content.decode()).group(1)
    responses.append(client.post(f"/pt-br/{BR}/sign/", {"name": ""}))
    responses.append(
        client.post(
            f"/pt-br/{BR}/sign/",
            {
                "name": "Ana",
                "email": "ana@example.org",
                "country": "BR",
                "region": "BR-BA",
                "privacy_consent": "on",
                "form_token": token,
            },
        )
    )
    responses.append(client.get(f"/pt-br/{BR}/check-email/"))
    run_tasks()
    link = confirm_link(mail.outbox[0]).replace("http://testserver", "")
    responses += [client.get(link), client.post(link), client.get(f"/pt-br/{BR}/thanks/")]
    responses += [client.get(f"/pt-br/{BR}/resend/"), client.get(f"/pt-br/{BR}/privacy/")]
    responses += [client.get(f"/api/v1/petitions/{BR}"), client.get("/healthz")]
    assert [r.status_code for r in responses] == [
        302,
        200,
        200,
        400,
        303,
        200,
        200,
        303,
        200,
        200,
        200,
        200,
        200,
    ]
    for response in responses:
        assert "Set-Cookie" not in response.headers, response.request["PATH_INFO"]
        assert not response.cookies
    # Pages vary on nothing per user (only the language redirect at / names the cookie it ignores).
    for response in responses[1:]:
        assert "Cookie" not in response.get("Vary", ""), response.request["PATH_INFO"]
    assert not client.cookies


def test_failing_mail_service_loses_no_signature_and_retries(
    client, br_petition, run_tasks, settings
):
    settings.EMAIL_BACKEND = "tests.petitions.rights.test_privacy_and_failures.FailingBackend"
    response = sign(client, lang="en", slug=BR)
    assert response.status_code == 303
    assert Signature.objects.count() == 1
    assert run_tasks() == 1
    retry = DBTaskResult.objects.get(status="READY")
    assert retry.args_kwargs["kwargs"] == {"signature_id": Signature.objects.get().pk, "attempt": 2}
    assert retry.run_after is not None
    # When the service is back, the retry delivers the email.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=retry.enqueued_at)
    assert run_tasks() == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["maria@example.org"]
