from django.urls import path

from campaign.public import petition as views
from campaign.public import unsubscribe as unsubscribe_views

app_name = "petitions"
urlpatterns = [
    path("<slug:slug>/sign/", views.sign, name="sign"),
    path("<slug:slug>/check-email/", views.check_email, name="check_email"),
    path("<slug:slug>/confirm/<str:token>/", views.confirm, name="confirm"),
    path("<slug:slug>/resend/", views.resend, name="resend"),
    path("<slug:slug>/thanks/", views.thanks, name="thanks"),
    path("<slug:slug>/share/mastodon/", views.share_mastodon, name="share_mastodon"),
    path("<slug:slug>/privacy/", views.privacy_notice, name="privacy"),
    path("<slug:slug>/withdraw/<str:token>/", views.withdraw, name="withdraw"),
    path("<slug:slug>/my-data/<str:token>/", views.data_copy, name="data_copy"),
    path(
        "<slug:slug>/withdrawn/",
        views.rights_done,
        {"purpose": "withdraw"},
        name="withdrawn",
    ),
    path("<slug:slug>/data-sent/", views.rights_done, {"purpose": "data"}, name="data_sent"),
    path(
        "<slug:slug>/unsubscribe/<str:token>/",
        unsubscribe_views.unsubscribe,
        name="unsubscribe",
    ),
    path("<slug:slug>/unsubscribed/", unsubscribe_views.unsubscribed, name="unsubscribed"),
    path("<slug:slug>/my-links/", views.new_rights_links, name="new_rights_links"),
    path("<slug:slug>/links-sent/", views.rights_done, {"purpose": "links"}, name="links_sent"),
]
