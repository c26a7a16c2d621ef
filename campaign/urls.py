from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from campaign import views
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
    path("admin/", admin.site.urls),
    # ESP tracking webhooks (bounces, complaints): basic auth with ANYMAIL_WEBHOOK_SECRET.
    path("anymail/", include("anymail.urls")),
]
urlpatterns += i18n_patterns(
    path("", include("petitions.urls")),
    path("", include(campaign_patterns)),
)
