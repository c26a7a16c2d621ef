"""The organizer area under /organize/ (not language-prefixed)."""

from django.urls import path

from campaign.organize import campaigns as campaign_views
from campaign.organize import partners as partner_views
from campaign.organize import reports as petition_views

app_name = "organize"
urlpatterns = [
    path("", campaign_views.campaigns, name="campaigns"),
    path("invitations/<str:token>/", campaign_views.accept, name="accept_invitation"),
    path("<slug:slug>/", petition_views.dashboard, name="dashboard"),
    path("<slug:slug>/signers/", petition_views.signers, name="signers"),
    path("<slug:slug>/exports/", petition_views.exports_page, name="exports"),
    path(
        "<slug:slug>/exports/<slug:identifier>.<slug:fmt>",
        petition_views.export_download,
        name="export_download",
    ),
    path("<slug:slug>/packages/", petition_views.packages, name="packages"),
    path("<slug:slug>/packages/status.json", petition_views.package_status, name="package_status"),
    path(
        "<slug:slug>/packages/<int:package_id>/download/",
        petition_views.package_download,
        name="package_download",
    ),
    path("<slug:slug>/members/", campaign_views.members, name="members"),
    path(
        "<slug:slug>/members/<int:membership_id>/",
        campaign_views.change_member,
        name="change_member",
    ),
    path(
        "<slug:slug>/invitations/<int:invitation_id>/revoke/",
        campaign_views.revoke_invitation,
        name="revoke_invitation",
    ),
    path("<slug:slug>/partners/", partner_views.partners, name="partners"),
    path("<slug:slug>/audit/", petition_views.audit_log, name="audit"),
]
