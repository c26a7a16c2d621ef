"""The organizer area under /organize/ (not language-prefixed)."""

from django.urls import path

from campaign.organize import campaigns as campaign_views
from campaign.organize import mailings as mailing_views
from campaign.organize import partners as partner_views
from campaign.organize import reports as petition_views
from campaign.organize import translations as translation_views
from campaign.organize import updates as update_views
from campaign.organize import workspace as workspace_views

app_name = "organize"
urlpatterns = [
    path("", campaign_views.campaigns, name="campaigns"),
    path("new/", workspace_views.new_campaign, name="new_campaign"),
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
    path(
        "<slug:slug>/partners/<int:partner_id>/logo/",
        partner_views.partner_logo,
        name="partner_logo",
    ),
    path(
        "<slug:slug>/partners/<int:partner_id>/logo/remove/",
        partner_views.remove_partner_logo,
        name="remove_partner_logo",
    ),
    path("<slug:slug>/audit/", petition_views.audit_log, name="audit"),
    path("<slug:slug>/translations/", translation_views.translations, name="translations"),
    path(
        "<slug:slug>/translations/<str:language>/",
        translation_views.translation,
        name="translation",
    ),
    path(
        "<slug:slug>/translations/<str:language>/review/",
        translation_views.review,
        name="translation_review",
    ),
    path(
        "<slug:slug>/translations/<str:language>/publish/",
        translation_views.publish,
        name="translation_publish",
    ),
    path(
        "<slug:slug>/updates/<slug:update_slug>/send/",
        mailing_views.send,
        name="mailing_send",
    ),
    path(
        "<slug:slug>/updates/<slug:update_slug>/send/status.json",
        mailing_views.status,
        name="mailing_status",
    ),
    path("<slug:slug>/updates/", update_views.updates, name="updates"),
    path("<slug:slug>/updates/<slug:update_slug>/", update_views.update, name="update"),
    path(
        "<slug:slug>/updates/<slug:update_slug>/publish/",
        update_views.publish,
        name="update_publish",
    ),
    path(
        "<slug:slug>/updates/<slug:update_slug>/delete/",
        update_views.delete,
        name="update_delete",
    ),
    path(
        "<slug:slug>/updates/<slug:update_slug>/<str:language>/",
        update_views.update_translation,
        name="update_translation",
    ),
    path(
        "<slug:slug>/updates/<slug:update_slug>/<str:language>/review/",
        update_views.review,
        name="update_review",
    ),
    path("<slug:slug>/setup/", workspace_views.setup, name="setup"),
    path("<slug:slug>/content/", workspace_views.content, name="content"),
    path("<slug:slug>/petition/", workspace_views.petition_settings, name="petition"),
    path("<slug:slug>/hero/", workspace_views.hero, name="hero"),
    path("<slug:slug>/hero/remove/", workspace_views.remove_hero, name="remove_hero"),
    path("<slug:slug>/appearance/", workspace_views.appearance, name="appearance"),
    path("<slug:slug>/publish/", workspace_views.publish, name="publish"),
    path("<slug:slug>/controls/", workspace_views.owner_controls, name="controls"),
    path("<slug:slug>/controls/<slug:action>/", workspace_views.control, name="control"),
]
