"""The permission matrix: every organizer view and export against every role.

Signatures whose names and addresses could leak are present in every case; anonymous users get
the login page, people lacking the role get 403, and only organizers and owners see names.
"""

from __future__ import annotations

import datetime
from urllib.parse import quote

import pytest
from django.utils import timezone

from campaign.campaigns.models import CampaignMembership, Invitation
from petitions.models import DeliveryPackage
from petitions.reporting.exports import EXPORTERS
from tests.campaign.organize.conftest import EU, LEAKY_EMAILS, LEAKY_NAMES, login

ROLES = ["anonymous", "outsider", "viewer", "organizer", "owner"]
RANK = {"anonymous": 0, "outsider": 0, "viewer": 1, "organizer": 2, "owner": 3}
NEEDED = {"viewer": 1, "organizer": 2, "owner": 3}


@pytest.fixture
def targets(cast, signatures, eu_petition, tmp_path):
    """Objects the member-management and download views act on."""
    zip_path = tmp_path / "package.zip"
    zip_path.write_bytes(b"PK\x05\x06" + b"\0" * 18)
    package = DeliveryPackage.objects.create(
        petition=eu_petition,
        status="ready",
        progress=100,
        file_path=str(zip_path),
        expires_at=timezone.now() + datetime.timedelta(days=1),
    )
    invitation = Invitation.objects.create(
        campaign=eu_petition.campaign, email="new@example.org", role="viewer", language="en"
    )
    viewer_membership = CampaignMembership.objects.get(user=cast["viewer"])
    return {"package": package, "invitation": invitation, "membership": viewer_membership}


# (name, method, path template, data, minimum role, status when allowed, shows names)
ENDPOINTS = [
    ("dashboard", "get", "/organize/{slug}/", None, "viewer", 200, False),
    ("signers", "get", "/organize/{slug}/signers/", None, "organizer", 200, True),
    ("exports", "get", "/organize/{slug}/exports/", None, "viewer", 200, False),
    ("packages", "get", "/organize/{slug}/packages/", None, "organizer", 200, False),
    ("package_request", "post", "/organize/{slug}/packages/", {}, "organizer", 302, False),
    ("package_status", "get", "/organize/{slug}/packages/status.json", None, "organizer", 200, False),
    ("package_download", "get", "/organize/{slug}/packages/{package}/download/", None, "organizer", 200, False),
    ("members", "get", "/organize/{slug}/members/", None, "owner", 200, False),
    ("invite", "post", "/organize/{slug}/members/", {"email": "x@example.org", "role": "viewer"}, "owner", 302, False),
    ("change_role", "post", "/organize/{slug}/members/{membership}/", {"role": "organizer"}, "owner", 302, False),
    ("remove_member", "post", "/organize/{slug}/members/{membership}/", {"remove": "1"}, "owner", 302, False),
    ("revoke_invitation", "post", "/organize/{slug}/invitations/{invitation}/revoke/", {}, "owner", 302, False),
    ("audit", "get", "/organize/{slug}/audit/", None, "owner", 200, False),
]  # fmt: skip
# Every registered exporter in every format it offers; names are checked in CSV (the binary
# formats are compressed, so only their absence can be asserted there).
ENDPOINTS += [
    (
        f"export_{identifier}_{fmt}",
        "get",
        f"/organize/{{slug}}/exports/{identifier}.{fmt}",
        None,
        exporter.required_role,
        200,
        exporter.personal_data and identifier == "signers" and fmt == "csv",
    )
    for identifier, exporter in EXPORTERS.items()
    for fmt in exporter.formats
]
# Only the organizer's contact list may hold addresses (of those who opted in to updates).
MAY_SHOW_EMAILS = {name for name, *_ in ENDPOINTS if name.startswith("export_contacts_")}


def body_of(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("name", "method", "template", "data", "needed", "allowed_status", "shows_names"),
    ENDPOINTS,
    ids=[e[0] for e in ENDPOINTS],
)
def test_organizer_views_enforce_roles(
    client, cast, targets, role, name, method, template, data, needed, allowed_status, shows_names
):
    path = template.format(
        slug=EU,
        package=targets["package"].pk,
        invitation=targets["invitation"].pk,
        membership=targets["membership"].pk,
    )
    if role != "anonymous":
        login(client, cast[role])
    response = getattr(client, method)(path, data or {})
    body = body_of(response)

    if role == "anonymous":
        assert (response.status_code, response["Location"]) == (
            302,
            f"/accounts/login/?next={quote(path)}",
        )
    elif RANK[role] < NEEDED[needed]:
        assert response.status_code == 403
    else:
        assert response.status_code == allowed_status
        assert response["Cache-Control"] == "private, no-store"

    sees_names = RANK[role] >= NEEDED[needed] and shows_names
    for leaky in LEAKY_NAMES:
        assert (leaky in body) == sees_names, (leaky, role, name)
    if name not in MAY_SHOW_EMAILS:
        for email in LEAKY_EMAILS:
            assert email not in body  # no organizer page or delivery export shows addresses


def test_outsider_sees_only_their_own_campaigns(client, cast):
    login(client, cast["outsider"])
    body = client.get("/organize/").content.decode()
    assert 'href="/organize/tiremeurostodasuamira/"' in body
    assert f'href="/organize/{EU}/"' not in body


def test_campaign_list_needs_login(client, campaigns):
    response = client.get("/organize/")
    assert (response.status_code, response["Location"]) == (
        302,
        "/accounts/login/?next=/organize/",
    )


@pytest.mark.parametrize(
    ("role", "links"),
    [
        ("viewer", ["/organize/{slug}/exports/summary_country.csv"]),
        (
            "organizer",
            [
                "/organize/{slug}/exports/summary_country.csv",
                "/organize/{slug}/exports/signers.csv",
            ],
        ),
    ],
)
def test_exports_page_offers_only_exports_the_role_may_download(client, cast, role, links):
    login(client, cast[role])
    body = client.get(f"/organize/{EU}/exports/").content.decode()
    offered = {p for p in ("summary_country.csv", "signers.csv") if f"/exports/{p}" in body}
    assert offered == {link.format(slug=EU).rsplit("/", 1)[1] for link in links}


@pytest.mark.parametrize(
    ("role", "tabs"),
    [
        ("viewer", ["Dashboard", "Exports"]),
        ("organizer", ["Dashboard", "Recent signers", "Exports", "Delivery packages", "Updates"]),
        (
            "owner",
            [
                "Dashboard",
                "Recent signers",
                "Exports",
                "Delivery packages",
                "Updates",
                "Members",
                "Audit log",
            ],
        ),
    ],
)
def test_dashboard_tabs_follow_the_role(client, cast, signatures, role, tabs):
    login(client, cast[role])
    response = client.get(f"/organize/{EU}/")
    assert [tab["label"] for tab in response.context["tabs"]] == tabs
