"""Small middleware: security headers Django lacks, request limits, clear error pages, a fast
503 while the database is unavailable, and Django's locale middleware without a needless Vary."""

from __future__ import annotations

import logging
import re

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.middleware import locale
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

# Areas with their own, larger forms (organizers, partners, admin) and the ESP webhooks.
NOT_PUBLIC_PREFIXES = ("/admin/", "/organize/", "/partner/", "/anymail/", "/accounts/")


class SecurityHeadersMiddleware:
    """Permissions-Policy on every response that has none yet; no site-wide CSP on a 304.

    A 304 (ConditionalGetMiddleware) drops the view's own Content-Security-Policy, and a browser
    revalidating a cached page takes the headers of the 304 into its copy: with the site-wide
    policy added there, a widget frame revalidated on a partner's page (or the partner area's
    preview) would turn into ``frame-ancestors 'none'`` and be blocked. Without one, the
    browser keeps the policy it stored with the 200.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Permissions-Policy" not in response:
            response["Permissions-Policy"] = settings.PERMISSIONS_POLICY
        if response.status_code == 304 and "Content-Security-Policy" in response:
            del response["Content-Security-Policy"]  # added by django-csp, inside this one
        return response


class LocaleMiddleware(locale.LocaleMiddleware):
    """Django's, except for answers marked as the same whatever language the visitor prefers
    (the JSON API, the widget, the sitemap): those do not vary by Accept-Language, so a CDN
    keeps one copy of them, not one per header value; and they carry no Content-Language
    unless the view set the right one (the widget frame, whose language is in its query)."""

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if not getattr(response, "same_in_every_language", False):
            return super().process_response(request, response)
        language_set_by_view = "Content-Language" in response
        response = super().process_response(request, response)
        if not language_set_by_view:
            del response["Content-Language"]
        if response.has_header("Vary"):
            values = (value.strip() for value in response["Vary"].split(","))
            kept = [value for value in values if value and value.lower() != "accept-language"]
            if kept:
                response["Vary"] = ", ".join(kept)
            else:
                del response["Vary"]
        return response


def problem_page(request: HttpRequest, *, title: str, message: str, status: int) -> HttpResponse:
    response = render(
        request, "petitions/problem.html", {"title": title, "message": message}, status=status
    )
    patch_cache_control(response, private=True, no_store=True)
    return response


# C0 control characters and DEL, except tab, line feed and carriage return (text areas).
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def without_control_characters(params: QueryDict) -> QueryDict:
    """``params`` itself when clean, else an immutable copy with control characters removed."""
    if not any(
        CONTROL_CHARACTERS.search(key) or any(CONTROL_CHARACTERS.search(v) for v in values)
        for key, values in params.lists()
    ):
        return params
    cleaned = QueryDict(mutable=True, encoding=params.encoding)
    for key, values in params.lists():
        cleaned.setlist(
            CONTROL_CHARACTERS.sub("", key), [CONTROL_CHARACTERS.sub("", v) for v in values]
        )
    cleaned._mutable = False
    return cleaned


class PublicRequestMiddleware:
    """Small bodies for public forms, no control characters in what views read, and a
    readable page instead of an empty 405.

    Public forms have a handful of short fields; a larger body is refused before anything
    reads it. Control characters (NUL and the rest of C0 but tab and line breaks) are removed
    from every query parameter, and from the fields of a public url-encoded form: no person
    types them, PostgreSQL refuses NUL in text (a 500, and a lost signature), and a view never
    has to think of them. Multipart forms are left to the forms, whose CharFields refuse NUL.
    Must come after LocaleMiddleware, so its pages are in the visitor's language.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.META.get("QUERY_STRING"):
            request.GET = without_control_characters(request.GET)
        if request.method not in ("GET", "HEAD", "OPTIONS") and not request.path.startswith(
            NOT_PUBLIC_PREFIXES
        ):
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > settings.PUBLIC_FORM_MAX_BYTES:
                return problem_page(
                    request,
                    title=_("This form is too large"),
                    message=_(
                        "What you sent is larger than this form allows. Please go back, shorten your entries and send the form again."
                    ),
                    status=413,
                )
            if request.content_type == "application/x-www-form-urlencoded":
                request.POST = without_control_characters(request.POST)
        response = self.get_response(request)
        if response.status_code == 405 and not response.content:
            allow = response.get("Allow", "")
            response = problem_page(
                request,
                title=_("This page cannot be used this way"),
                message=_(
                    "This address does not accept this kind of request. Please open the page in your browser and use its buttons and forms."
                ),
                status=405,
            )
            response["Allow"] = allow
        return response


logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5


def database_unavailable_response() -> HttpResponse:
    message = _("We are very busy or briefly down for maintenance. Please try again in a minute.")
    response = HttpResponse(f"{message}\n", status=503, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """Turn OperationalError/InterfaceError (server down, restarting, unreachable) into a 503.

    Nothing was committed when such an error reaches a view's caller, so a retry is safe:
    signing and confirming are idempotent. connect_timeout in DATABASES keeps this quick.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, (OperationalError, InterfaceError)):
            logger.warning(
                "Database unavailable for %s %s: %s", request.method, request.path, exception
            )
            return database_unavailable_response()
        return None
