"""Helpers to sign inside the partner widget as the framed page would."""

from __future__ import annotations

import html
import re
from urllib.parse import urlencode

from django.core import mail
from django.test import Client

from petitions.models import Petition, Widget
from tests import factories
from tests.conftest import confirm_link

TOKEN = re.compile(r'name="form_token" value="([^"]+)"')
ACTION = re.compile(r'<form method="post" action="([^"]+)"')
SITE = "http://testserver"


def frame_url(slug: str, key: str, **params) -> str:
    return f"/embed/{slug}/?" + urlencode({"partner": key, **params})


def open_frame(client: Client, slug: str, key: str, **params) -> tuple[str, str]:
    """GET the framed form; returns its action URL and form token."""
    response = client.get(frame_url(slug, key, **params))
    assert response.status_code == 200
    body = response.content.decode()
    return html.unescape(ACTION.search(body).group(1)), TOKEN.search(body).group(1)


def widget_sign(client: Client, slug: str, key: str, *, token: str | None = None, **fields):
    """Sign through the widget; ``lang``, ``origin``, ``source``, ``ref`` go to the frame URL."""
    params = {
        name: fields.pop(name) for name in ("lang", "origin", "source", "ref") if name in fields
    }
    action, fresh_token = open_frame(client, slug, key, **params)
    data = {
        "name": "Maria da Silva",
        "email": "maria@example.org",
        "country": "BR",
        "region": "BR-SP",
        "postal_code": "",
        "privacy_consent": "on",
        "form_token": fresh_token if token is None else token,
    }
    data.update(fields)
    data = {name: value for name, value in data.items() if value is not None}
    return client.post(action, data, HTTP_ORIGIN=SITE)


def make_partner(petition: Petition, name: str, *, domains: list[str], **fields) -> Widget:
    partner = factories.partner(campaign=petition.campaign, name=name, **fields)
    return factories.widget(petition=petition, partner=partner, domains=domains)


def confirm_all(client: Client, run_tasks) -> None:
    """Send the queued confirmation emails and confirm every signature they name."""
    run_tasks()
    for message in mail.outbox:
        client.post(confirm_link(message).replace(SITE, ""), HTTP_ORIGIN=SITE)
    mail.outbox.clear()
