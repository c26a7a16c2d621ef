"""A 304 carries no site-wide CSP: a browser would take it into its cached copy of a widget
frame and block the frame on the partner's page (and in the partner area's preview)."""

from __future__ import annotations

from petitions.models import Widget

BR = "tiremeurostodasuamira"


def test_revalidated_widget_frame_keeps_its_own_policy(client, campaigns):
    campaign = campaigns[BR]
    widget = Widget.objects.create(
        partner=campaign.partners.first(),
        petition=campaign.petition,
        language="en",
        allowed_domains=["ngo.example.org"],
    )
    url = f"/embed/{BR}/?partner={widget.key}"
    first = client.get(url, HTTP_REFERER="https://ngo.example.org/")
    assert (
        "frame-ancestors 'self' http://ngo.example.org:* https://ngo.example.org:*"
        in first["Content-Security-Policy"]
    )
    again = client.get(
        url, HTTP_REFERER="https://ngo.example.org/", HTTP_IF_NONE_MATCH=first["ETag"]
    )
    assert again.status_code == 304
    assert "Content-Security-Policy" not in again


def test_pages_still_get_the_site_policy(client, campaigns):
    response = client.get(f"/en/{BR}/")
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
