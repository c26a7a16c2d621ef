"""HTML and JSON compressed by the app: zstd, brotli or gzip, the best the client accepts.

django-http-compression does the encoding (quality and noise as its author chose them); this
subclass only decides which answers may be compressed at all. Compression next to a secret
and text an attacker can inject leaks the secret through the length (BREACH), so answers that
may carry one are sent as they are: the account areas, and anything that sets a cookie or
depends on one. Public answers are the same for everyone and carry no secret (docs/SECURITY.md).
"""

from __future__ import annotations

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.cache import patch_vary_headers
from django_http_compression.middleware import HttpCompressionMiddleware

from campaign.web.middleware import NOT_PUBLIC_PREFIXES

MIN_LENGTH = 50  # the library leaves shorter bodies as they are


def may_carry_secret(request: HttpRequest, response: HttpResponseBase) -> bool:
    vary = {value.strip().lower() for value in response.get("Vary", "").split(",")}
    return bool(
        request.path.startswith(NOT_PUBLIC_PREFIXES) or response.cookies or "cookie" in vary
    )


class CompressionMiddleware(HttpCompressionMiddleware):
    def maybe_compress(self, request: HttpRequest, response: HttpResponseBase) -> None:
        if may_carry_secret(request, response):
            return
        content_type = response.get("Content-Type", "").split(";", 1)[0]
        worth_it = response.streaming or len(response.content) >= MIN_LENGTH
        if worth_it and self.content_type_re.match(content_type):
            # Also on the uncompressed answer, so that a cache keeps one copy per coding.
            patch_vary_headers(response, ("Accept-Encoding",))
        super().maybe_compress(request, response)
