from django.urls import path

from bench.reference_app.views import reference_insert
from campaign.urls import urlpatterns as product_urlpatterns

urlpatterns = [path("bench/reference-insert", reference_insert), *product_urlpatterns]
