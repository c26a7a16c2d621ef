"""Hero images and partner logos, served from the database at content-hashed addresses."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from campaign.campaigns.images import variant_data
from campaign.web.http import public, same_in_every_language

ONE_YEAR = 365 * 24 * 3600


@require_safe
@same_in_every_language
def image(request: HttpRequest, digest: str, extension: str) -> HttpResponse:
    """One image variant: its address names a hash of its bytes, so it never changes and any
    browser or CDN may keep it for a year. No cookie; nosniff comes from SecurityMiddleware."""
    found = variant_data(digest=digest, extension=extension)
    if found is None:
        raise Http404
    data, content_type = found
    response = public(HttpResponse(data, content_type=content_type), max_age=ONE_YEAR)
    response["Cache-Control"] += ", immutable"
    response["X-Content-Type-Options"] = "nosniff"
    return response
