"""Organizer accounts on django-allauth: who may sign up, and mandatory TOTP for private areas."""

from __future__ import annotations

import time
from functools import wraps
from urllib.parse import urlencode

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.contrib.sites.shortcuts import get_current_site
from django.core.mail import EmailMessage
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from campaign.campaigns.invitation_links import invitation_for_token
from campaign.campaigns.models import Invitation
from campaign.campaigns.tasks import send_prepared_email
from campaign.core.mailer import prepare_message

# Every authenticated request to a view in these URL namespaces needs an active TOTP
# authenticator. Decided on the resolved view, never on the path, so a SCRIPT_NAME prefix
# (the site mounted under /petitions/, say) cannot move an area out of reach of the check.
MFA_PROTECTED_NAMESPACES = frozenset({"organize", "partner", "admin"})
INVITATION_SESSION_KEY = "campaign_invitation_key"
# The signed token of that invitation, for the sign-up form, which posts it back as
# INVITATION_TOKEN_FIELD: an address that came with the mailed link needs no second email.
INVITATION_TOKEN_SESSION_KEY = "campaign_invitation_token"
INVITATION_TOKEN_FIELD = "invitation"
# When this browser signed up (campaign/web/account_views.py), for is_reauthentication_required.
SIGNED_UP_AT_SESSION_KEY = "campaign_signed_up_at"


def invitation_signed_up_with(request: HttpRequest) -> Invitation | None:
    """The open invitation a sign-up POST carries (its token), when the address posted is the
    invited one; None otherwise."""
    if request.method != "POST":
        return None
    token = request.POST.get(INVITATION_TOKEN_FIELD, "")
    invitation = invitation_for_token(token) if token else None
    if invitation is None:
        return None
    if request.POST.get("email", "").strip().lower() != invitation.email.strip().lower():
        return None
    return invitation


def has_active_totp(user) -> bool:
    return Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.TOTP).exists()


def mfa_setup_redirect(request: HttpRequest) -> HttpResponse:
    query = urlencode({REDIRECT_FIELD_NAME: request.get_full_path()})
    return HttpResponseRedirect(f"{reverse('mfa_activate_totp')}?{query}")


def login_and_totp_gate(request: HttpRequest) -> HttpResponse | None:
    """Where a request to a private view goes instead, or None when it may go on.

    Anonymous users go to the login page, accounts without an active TOTP authenticator to its
    setup (MfaRequiredMiddleware does so too; checking here keeps a view safe wherever it is
    mounted), each with a link back to this URL.
    """
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not has_active_totp(request.user):
        return mfa_setup_redirect(request)
    return None


def login_and_totp_required(view):
    """Decorate a view with ``login_and_totp_gate``."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        denied = login_and_totp_gate(request)
        if denied is not None:
            return denied
        return view(request, *args, **kwargs)

    return wrapper


class MfaRequiredMiddleware:
    """Send signed-in accounts without TOTP to its setup before any organizer, partner or admin view.

    Runs once the URL is resolved (``process_view``) and decides by the view's namespace, so the
    check holds whatever prefix the site is mounted under. The namespace is checked before
    ``request.user``, so public pages never touch the session (no cookie, no ``Vary: Cookie``).
    Anonymous requests pass: those views ask for a login.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if (
            match is not None
            and MFA_PROTECTED_NAMESPACES.intersection(match.namespaces)
            and request.user.is_authenticated
            and not has_active_totp(request.user)
        ):
            return mfa_setup_redirect(request)
        return None


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Render the message now, in the request's language, and let the worker send it.

        A mail server that is down then delays the email instead of failing the page
        (verification, password reset, notices); the task retries with backoff.
        """
        request = allauth_context.request
        message = self.render_mail(
            template_prefix,
            email,
            {
                "request": request,
                "email": email,
                "current_site": get_current_site(request),
                **context,
            },
        )
        enqueue_prepared(message, kind=template_prefix)

    def is_email_verified(self, request: HttpRequest, email: str) -> bool:
        """An address signed up with through an invitation link counts as verified: the link
        reached that very address. Otherwise as allauth decides."""
        invitation = invitation_signed_up_with(request)
        if invitation is not None and invitation.email.strip().lower() == email.lower():
            return True
        return super().is_email_verified(request, email)

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        """Not within ACCOUNT_REAUTHENTICATION_TIMEOUT of signing up in this browser: a new
        account has just chosen its password and is not asked for it again (to set up TOTP)."""
        request = allauth_context.request
        if request is not None and request.user.is_authenticated:
            signed_up_at = request.session.get(SIGNED_UP_AT_SESSION_KEY, 0)
            if time.time() - signed_up_at < settings.ACCOUNT_REAUTHENTICATION_TIMEOUT:
                return False
        return super().is_reauthentication_required(app=app, **kwargs)

    def get_reauthentication_methods(self, user) -> list[dict]:
        """An account with TOTP confirms with a code, and only so: organizer and partner areas
        accept nothing else before signer data leaves the site, so offering the password
        would lead back to the code prompt."""
        methods = super().get_reauthentication_methods(user)
        by_code = [method for method in methods if method["id"] == "mfa_reauthenticate"]
        return by_code or methods

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        """Open to all when ACCOUNT_SIGNUP_OPEN, otherwise only to someone holding an invitation."""
        if settings.ACCOUNT_SIGNUP_OPEN:
            return True
        return bool(request.session.get(INVITATION_SESSION_KEY))


def enqueue_prepared(message: EmailMessage, *, kind: str) -> None:
    """Queue a rendered message for the worker (in the caller's transaction, if any)."""
    send_prepared_email.enqueue(message=prepare_message(message, kind=kind))
