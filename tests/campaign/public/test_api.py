from django.core import mail

from petitions.models import Signature
from tests.conftest import confirm_link
from tests.petitions.helpers import sign

BR = "tiremeurostodasuamira"
EU = "banfacialrecognitioneu"


def test_api_returns_the_whole_payload(client, eu_petition, run_tasks):
    for i, country in enumerate(["DE", "DE", "PL"]):
        sign(client, lang="en", slug=EU, email=f"p{i}@example.org", country=country, region=None)
    sign(client, lang="en", slug=EU, email="pending@example.org", country="FR", region=None)
    run_tasks()
    for message in mail.outbox[:3]:
        client.post(confirm_link(message).replace("http://testserver", ""))
    response = client.get(f"/api/v1/petitions/{EU}")
    payload = response.json()
    updated_at = payload.pop("updated_at")
    assert payload == {
        "slug": EU,
        "title": eu_petition.campaign.translations.get(language="en").title,
        "hashtag": "#BanFacialRecognitionEU",
        "goal": eu_petition.goal,
        "signatures": 3,
        "by_country": {"DE": 2, "PL": 1},
        "by_region": {},
        "is_open": True,
    }
    assert updated_at.startswith(
        str(Signature.objects.filter(counted=True).first().confirmed_at.year)
    )
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Cache-Control"] == "public, max-age=30"
    assert response["Content-Type"] == "application/json"
    assert not response.cookies


def test_api_of_empty_petition(client, br_petition):
    payload = client.get(f"/api/v1/petitions/{BR}").json()
    assert (payload["signatures"], payload["by_country"], payload["updated_at"]) == (0, {}, None)


def test_api_unknown_petition_is_404(client, campaigns):
    assert client.get("/api/v1/petitions/nope").status_code == 404
