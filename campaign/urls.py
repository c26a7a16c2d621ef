from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from campaign import views
from petitions import partner_views, widget_views
from petitions import views as petition_views

campaign_patterns = (
    [
        path("", views.campaign_list, name="list"),
        path("<slug:slug>/", views.campaign_detail, name="detail"),
    ],
    "campaign",
)

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("api/v1/petitions/<slug:slug>", petition_views.api_petition, name="api_petition"),
    path("embed/<slug:slug>.js", widget_views.loader, name="embed_loader"),
    path("embed/<slug:slug>/", widget_views.frame, name="embed_frame"),
    path("embed/<slug:slug>/sign/", widget_views.frame_sign, name="embed_sign"),
    path("embed/<slug:slug>/sent/", widget_views.frame_sent, name="embed_sent"),
    path("partner/", include((partner_views.urlpatterns, "partner"))),
    path("admin/", admin.site.urls),
]
urlpatterns += i18n_patterns(
    path("", include("petitions.urls")),
    path("", include(campaign_patterns)),
)
