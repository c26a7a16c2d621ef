"""Request helpers shared by the public views: origin checks, IP hashing, cache headers."""

from __future__ import annotations

import functools
import hashlib
import ipaddress
import logging

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control, set_response_etag

from petitions.abuse.ip_hashing import hash_address

logger = logging.getLogger(__name__)


def request_origin(request: HttpRequest) -> str:
    return f"{request.scheme}://{request.get_host()}"


def origin_allowed(request: HttpRequest) -> bool:
    """A cookie-free stand-in for CSRF: a browser's POST must come from one of our pages.

    Browsers send Origin on every cross-site POST; a missing header means an old browser or a
    non-browser client, which the signed form token still guards.
    """
    origin = request.headers.get("Origin")
    if origin is None or origin == settings.SITE_URL:
        return True
    return origin == request_origin(request)


def client_ip(request: HttpRequest) -> str:
    """The client's address, for hashing only: never store or log it.

    X-Forwarded-For is read only when TRUSTED_PROXY_COUNT proxies of our own stand in front:
    each appends the address it saw, so the client is the entry that many places from the
    right; anything further left was written by the client and is ignored. With no trusted
    proxy the header is ignored entirely, so a spoofed one changes nothing. A header that
    does not fit the setting is logged once per process (see _warn_proxy_mismatch).
    """
    meta = request.META
    remote = meta.get("REMOTE_ADDR", "")
    hops = settings.TRUSTED_PROXY_COUNT
    if hops <= 0:
        if not _proxy_mismatch_logged and "HTTP_X_FORWARDED_FOR" in meta:
            _warn_if_behind_proxy(remote)
        return remote
    forwarded = [part.strip() for part in meta.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < hops:
        if not _proxy_mismatch_logged:
            _warn_proxy_mismatch(
                "A request reached the app with %d X-Forwarded-For entries while "
                "TRUSTED_PROXY_COUNT is %d, so its connecting address was used: every client "
                "of that proxy then shares one address. A proxy in front replaces the header "
                "instead of appending to it (nginx: $proxy_add_x_forwarded_for), the app is "
                "reachable without going through the proxies, or the count is higher than the "
                "proxies in front (then clients can choose their own address). See "
                "docs/DEPLOYMENT.md.",
                len(forwarded),
                hops,
            )
        return remote
    return forwarded[-hops]


_proxy_mismatch_logged = False


def _warn_if_behind_proxy(remote: str) -> None:
    """Warn when X-Forwarded-For comes from a local or private address, i.e. from a proxy."""
    try:
        local = ipaddress.ip_address(remote).is_private  # loopback addresses included
    except ValueError:  # a Unix socket: only something on this machine can connect
        local = True
    if local:
        _warn_proxy_mismatch(
            "Requests reach the app through a proxy (X-Forwarded-For from a local or private "
            "address) while TRUSTED_PROXY_COUNT is 0: every supporter then shares the "
            "proxy's address, and the per-address rate limit holds real signatures out of "
            "the count. Set TRUSTED_PROXY_COUNT as docs/DEPLOYMENT.md gives it for your proxy."
        )


def _warn_proxy_mismatch(message: str, *args: object) -> None:
    """Log a proxy misconfiguration once per process, without any address in it."""
    global _proxy_mismatch_logged
    _proxy_mismatch_logged = True
    logger.warning(message, *args)


def client_ip_hash(request: HttpRequest) -> str:
    """A keyed hash of the client address (an IPv6 address by its /64) under the UTC day's
    random key, which is deleted once the day is over (petitions/abuse/ip_hashing.py)."""
    return hash_address(client_ip(request))


def public(response: HttpResponse, max_age: int | None = None) -> HttpResponse:
    """Mark a response as the same for everyone, so any CDN may cache it."""
    patch_cache_control(
        response, public=True, max_age=settings.PUBLIC_CACHE_SECONDS if max_age is None else max_age
    )
    return response


def private(response: HttpResponse) -> HttpResponse:
    """Mark a response as for this client only and not to be stored anywhere."""
    if "Cache-Control" in response:
        patch_cache_control(response, private=True, no_store=True)
    else:  # what patch_cache_control writes, without parsing anything on the sign path
        response["Cache-Control"] = "private, no-store"
    return response


def served_from_cache(view=None, *, key_extra=None):
    """Keep a public view's 200 answers in the server's cache for PAGE_CACHE_SECONDS.

    Under a surge most reads then touch neither the database nor the templates; counts are
    at most that many seconds old (plus the CDN's max-age). Keyed by host and full path,
    which carries the language prefix, and by ``key_extra(request)`` when the view's bytes
    depend on more than that (a header it also names in Vary). Only cookie-free, publicly
    cacheable answers are kept, with their headers. Use as ``@served_from_cache`` or
    ``@served_from_cache(key_extra=...)``.
    """
    if view is None:
        return functools.partial(served_from_cache, key_extra=key_extra)

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        seconds = settings.PAGE_CACHE_SECONDS
        if seconds <= 0 or request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        place = f"{request.get_host()}{request.get_full_path()}"
        if key_extra is not None:
            place += "\n" + key_extra(request)
        key = "page:" + hashlib.sha256(place.encode()).hexdigest()
        cache = caches["pages"]  # local memory in every configuration (campaign/settings.py)
        if (hit := cache.get(key)) is not None:
            status, content, headers = hit
            response = HttpResponse(content, status=status)
            for name, value in headers:
                response[name] = value
            return response
        response = view(request, *args, **kwargs)
        if (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and "public" in response.get("Cache-Control", "")
        ):
            set_response_etag(response)
            cache.set(key, (200, response.content, list(response.items())), seconds)
        return response

    return wrapper


def same_in_every_language(view):
    """Mark a view's answers, server-cached or not, as the same whatever language the visitor
    prefers: campaign.web.middleware.LocaleMiddleware then leaves Accept-Language out of Vary."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        response.same_in_every_language = True
        return response

    return wrapper
