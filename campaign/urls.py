from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, re_path

from campaign.partner import views as partner_views
from campaign.public import embed as widget_views
from campaign.public import images as image_views
from campaign.public import pages as views
from campaign.public import petition as petition_views
from campaign.public import updates as update_views
from campaign.public.esp_webhooks import tracking_webhook_urls
from campaign.public.sitemaps import CampaignListSitemap, CampaignSitemap, UpdatesSitemap
from campaign.web import account_views
from campaign.web.http import same_in_every_language

campaign_patterns = (
    [
        path("", views.campaign_list, name="list"),
        path("<slug:slug>/", views.campaign_detail, name="detail"),
        path("<slug:slug>/share.png", views.campaign_share_image, name="share_image"),
        path("<slug:slug>/updates/", update_views.updates_page, name="updates"),
        path("<slug:slug>/updates/<slug:update_slug>/", update_views.update_page, name="update"),
        path("<slug:slug>/updates.atom", update_views.updates_feed, name="updates_feed"),
    ],
    "campaign",
)

# The admin signs in through allauth, so it gets the same email login, rate limits and TOTP;
# MfaRequiredMiddleware keeps accounts without TOTP out of /admin/.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    re_path(
        r"^img/(?P<digest>[0-9a-f]{32})\.(?P<extension>avif|webp|jpg|png)$",
        image_views.image,
        name="image",
    ),
    path("accents.css", views.accent_stylesheet, name="accent_stylesheet"),
    path("api/v1/petitions/<slug:slug>", petition_views.api_petition, name="api_petition"),
    path("embed/<slug:slug>.js", widget_views.loader, name="embed_loader"),
    path("embed/<slug:slug>/", widget_views.frame, name="embed_frame"),
    path("embed/<slug:slug>/sign/", widget_views.frame_sign, name="embed_sign"),
    path("embed/<slug:slug>/sent/", widget_views.frame_sent, name="embed_sent"),
    path("partner/", include((partner_views.urlpatterns, "partner"))),
    path("admin/", admin.site.urls),
    path(
        "sitemap.xml",
        same_in_every_language(sitemap),
        {
            "sitemaps": {
                "campaigns": CampaignSitemap,
                "lists": CampaignListSitemap,
                "updates": UpdatesSitemap,
            }
        },
        name="sitemap",
    ),
    # In front of allauth's own: invitations fill in the sign-up form, TOTP setup goes on.
    path("accounts/login/", account_views.login, name="account_login"),
    path("accounts/signup/", account_views.signup, name="account_signup"),
    path("accounts/2fa/totp/activate/", account_views.activate_totp, name="mfa_activate_totp"),
    path(
        "accounts/2fa/recovery-codes/",
        account_views.view_recovery_codes,
        name="mfa_view_recovery_codes",
    ),
    path("accounts/", include("allauth.urls")),
    # The owner's preview of a campaign page (published or not), beside the organizer area.
    path("organize/<slug:slug>/preview/", views.campaign_preview, name="campaign_preview"),
    path("organize/", include("campaign.organize.urls")),
    # The EMAIL_ESP's tracking webhook only (bounces, complaints; none without an ESP):
    # basic auth with ANYMAIL_WEBHOOK_SECRET, 400 for what it cannot parse.
    path("anymail/", include((tracking_webhook_urls(settings.EMAIL_ESP), "anymail"))),
]
urlpatterns += i18n_patterns(
    path("", include("campaign.public.petition_urls")),
    path("", include(campaign_patterns)),
)
