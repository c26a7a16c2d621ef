import csv
import io

import pytest
from django.utils import translation
from django.utils.translation import gettext

from petitions.models import AuditEvent, Signature
from tests import factories
from tests.campaign.organize.conftest import login, make_user
from tests.petitions.helpers import sign
from tests.petitions.widget_helpers import confirm_all, make_partner, widget_sign

BR = "tiremeurostodasuamira"


@pytest.fixture
def cast(br_petition, client, run_tasks):
    """Two partners with signers who did and did not opt in to them, and a member of each."""
    ours = make_partner(br_petition, "Data Privacy Brasil", domains=["ours.example"])
    theirs = make_partner(br_petition, "IDEC", domains=["theirs.example"])
    widget_sign(
        client, BR, ours.key, name='=HYPERLINK("x")', email="a@example.org", partner_opt_in="on"
    )
    widget_sign(
        client,
        BR,
        ours.key,
        name="João Conceição",
        email="b@example.org",
        partner_opt_in="on",
        country="PT",
        region="",
    )
    widget_sign(client, BR, ours.key, name="No Optin", email="c@example.org")
    widget_sign(
        client, BR, theirs.key, name="Their Supporter", email="d@example.org", partner_opt_in="on"
    )
    sign(client, lang="en", slug=BR, name="Main Site", email="e@example.org", updates_opt_in="on")
    confirm_all(client, run_tasks)
    # Opted in to us but never confirmed: not a supporter yet.
    widget_sign(client, BR, ours.key, name="Pending", email="f@example.org", partner_opt_in="on")
    users = {
        name: factories.partner_member(partner=widget.partner, email=f"{name}@example.org")
        for name, widget in (("ours", ours), ("theirs", theirs))
    }
    users["outsider"] = make_user("out@example.org")
    return {"ours": ours, "theirs": theirs, "users": users}


class AuditLog:
    """The audit rows written so far, in the shape of record_audit's keyword arguments."""

    def _rows(self) -> list[dict]:
        return [
            {
                "user": e.user,
                "action": e.action,
                "petition": e.petition,
                "rows": e.rows,
                "detail": e.detail,
            }
            for e in AuditEvent.objects.order_by("id")
        ]

    def __len__(self) -> int:
        return len(self._rows())

    def __getitem__(self, index: int) -> dict:
        return self._rows()[index]

    def __eq__(self, other) -> bool:
        return self._rows() == other


@pytest.fixture
def audits(db):
    return AuditLog()


def test_partner_export_holds_exactly_its_opted_in_supporters(client, cast, audits):
    partner = cast["ours"].partner
    login(client, cast["users"]["ours"])
    response = client.get(f"/partner/{partner.pk}/supporters.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith(
        f'attachment; filename="supporters-partner-{partner.pk}-'
    )
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    day = Signature.objects.get(email="a@example.org").confirmed_at.date().isoformat()
    assert rows == [
        ["name", "email", "country", "region", "language", "date"],
        ['\'=HYPERLINK("x")', "a@example.org", "BR", "BR-SP", "en", day],
        ["João Conceição", "b@example.org", "PT", "", "en", day],
    ]
    assert len(audits) == 1
    assert audits[0]["user"] == cast["users"]["ours"]
    assert (audits[0]["action"], audits[0]["rows"], audits[0]["detail"]) == (
        "partner.export_supporters",
        2,
        f"partner={partner.pk}",
    )
    assert audits[0]["petition"] == partner.campaign.petition


def test_partner_dashboard_counts_only_its_own_signatures(client, cast):
    partner = cast["ours"].partner
    login(client, cast["users"]["ours"])
    response = client.get(f"/partner/{partner.pk}/")
    summary = response.context["summary"]
    day = Signature.objects.get(email="a@example.org").confirmed_at.date()
    assert (summary.total, summary.by_day, summary.by_widget, summary.opted_in) == (
        3,
        [(day, 3)],
        [(cast["ours"].key, 3)],
        2,
    )
    body = response.content.decode()
    for other in ("d@example.org", "e@example.org", "Their Supporter", "Main Site"):
        assert other not in body
    assert cast["ours"].key in body and cast["theirs"].key not in body
    assert f'data-partner="{cast["ours"].key}"' in response.context["embed"]["script"]


def test_partner_cannot_open_another_partners_pages(client, cast, audits):
    login(client, cast["users"]["ours"])
    theirs = cast["theirs"].partner
    assert client.get(f"/partner/{theirs.pk}/").status_code == 404
    assert client.get(f"/partner/{theirs.pk}/supporters.csv").status_code == 404
    client.logout()
    login(client, cast["users"]["outsider"])
    assert client.get(f"/partner/{cast['ours'].partner.pk}/").status_code == 404
    assert client.get("/partner/").context["partners"].count() == 0
    assert audits == []


def test_partner_area_needs_login(client, cast):
    response = client.get(f"/partner/{cast['ours'].partner.pk}/supporters.csv")
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_partner_list_shows_the_members_partners(client, cast):
    login(client, cast["users"]["theirs"])
    assert [p.name for p in client.get("/partner/").context["partners"]] == ["IDEC"]


def test_embed_code_generator_builds_snippets_from_the_options(client, cast, settings):
    settings.SITE_URL = "https://petition.example"
    widget = cast["ours"]
    login(client, cast["users"]["ours"])
    response = client.get(
        f"/partner/{widget.partner.pk}/?widget={widget.key}&lang=pt-br&accent=%23005500&compact=1"
    )
    embed = response.context["embed"]
    assert embed["script"] == (
        f'<script src="https://petition.example/embed/{BR}.js" data-partner="{widget.key}" '
        'data-lang="pt-br" data-accent="#005500" data-compact="1" async></script>'
    )
    assert embed["preview_url"] == (
        f"https://petition.example/embed/{BR}/?partner={widget.key}&lang=pt-br"
        "&accent=%23005500&compact=1"
    )
    with translation.override("pt-br"):
        link_text = gettext("Sign the petition")
    assert embed["link"] == (
        f'<a href="https://petition.example/pt-br/{BR}/?partner={widget.key}">{link_text}</a>'
    )
    body = response.content.decode()
    assert (
        f'<iframe class="embed-preview" src="{embed["preview_url"].replace("&", "&amp;")}"' in body
    )


def test_partner_export_queries_do_not_grow_with_rows(client, br_petition, run_tasks, audits):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    widget = make_partner(br_petition, "Ours", domains=["ours.example"])
    user = factories.partner_member(partner=widget.partner, email="m@example.org")
    login(client, user)

    def export_queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/partner/{widget.partner.pk}/supporters.csv")
            lines = b"".join(response.streaming_content).decode().count("\n")
        return len(queries), lines - 1

    widget_sign(client, BR, widget.key, email="one@example.org", partner_opt_in="on")
    confirm_all(client, run_tasks)
    one = export_queries()
    for email in ("two@example.org", "three@example.org"):
        widget_sign(client, BR, widget.key, email=email, partner_opt_in="on")
    confirm_all(client, run_tasks)
    three = export_queries()
    assert (one[1], three[1]) == (1, 3)
    assert one[0] == three[0]
