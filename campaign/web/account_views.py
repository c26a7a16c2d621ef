"""allauth's sign-in pages, bent to the way a busy volunteer goes through them.

- An invitation link opens the sign-up form (or the sign-in form, when the invited address has
  an account) naming the invitation, with the invited address filled in; signing up through it
  counts the address as verified (the link was mailed to it) and accepts the invitation.
- Setting up TOTP goes on to where the user was going: the recovery codes are shown once, on
  the way, with a link onwards.

The URLs are allauth's own (campaign/urls.py mounts these views in front of allauth's).
"""

from __future__ import annotations

import time
from urllib.parse import urlencode

from allauth.account.models import EmailAddress
from allauth.account.utils import get_next_redirect_url
from allauth.account.views import LoginView as AllauthLoginView
from allauth.account.views import SignupView as AllauthSignupView
from allauth.mfa.recovery_codes.views import ViewRecoveryCodesView
from allauth.mfa.totp.views import ActivateTOTPView as AllauthActivateTOTPView
from django.contrib.auth import REDIRECT_FIELD_NAME, get_user_model
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from campaign.campaigns.invitation_links import invitation_for_token
from campaign.campaigns.invitations import accept_invitation
from campaign.campaigns.models import Invitation, InvitationKind
from campaign.web.accounts import (
    INVITATION_SESSION_KEY,
    INVITATION_TOKEN_FIELD,
    INVITATION_TOKEN_SESSION_KEY,
    SIGNED_UP_AT_SESSION_KEY,
    invitation_signed_up_with,
)


def session_invitation(request: HttpRequest) -> tuple[Invitation | None, str]:
    """The open invitation whose link this browser opened while signed out, and its token."""
    token = request.session.get(INVITATION_TOKEN_SESSION_KEY, "")
    invitation = invitation_for_token(token) if token else None
    return invitation, token


def invitation_path(token: str) -> str:
    return reverse("organize:accept_invitation", kwargs={"token": token})


def invitation_destination(invitation: Invitation) -> str:
    """Where an accepted invitation leads: the partner area or the campaign's dashboard."""
    if invitation.kind == InvitationKind.PARTNER:
        return reverse("partner:dashboard", kwargs={"partner_id": invitation.partner_id})
    return reverse("organize:dashboard", kwargs={"slug": invitation.campaign.slug})


def account_exists(email: str) -> bool:
    return (
        EmailAddress.objects.filter(email__iexact=email).exists()
        or get_user_model().objects.filter(email__iexact=email).exists()
    )


def invitation_context(invitation: Invitation | None, token: str) -> dict:
    if invitation is None:
        return {}
    inviter = invitation.invited_by
    return {
        "invitation": invitation,
        "invitation_token": token,
        "invitation_token_field": INVITATION_TOKEN_FIELD,
        "invitation_role": invitation.get_role_display() or invitation.get_kind_display(),
        "invitation_partner": invitation.partner.name if invitation.partner_id else "",
        "invitation_inviter": inviter.email if inviter else "",
        "invitation_path": invitation_path(token),
    }


class LoginView(AllauthLoginView):
    """allauth's login; an invitation link whose address has no account yet goes on to sign-up.

    ``?signin=1`` (the sign-up page's "I already have an account" link) keeps the login form,
    so someone with an account under another address is never sent in a circle.
    """

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        invitation, token = session_invitation(request)
        if (
            invitation is not None
            and not request.user.is_authenticated
            and "signin" not in request.GET
            and request.GET.get(REDIRECT_FIELD_NAME) == invitation_path(token)
            and not account_exists(invitation.email)
        ):
            query = urlencode({REDIRECT_FIELD_NAME: invitation_path(token)})
            return HttpResponseRedirect(f"{reverse('account_signup')}?{query}")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        context.update(invitation_context(*session_invitation(self.request)))
        return context


class SignupView(AllauthSignupView):
    """allauth's sign-up, naming the invitation and filling in (read-only) its address.

    Submitted with the invitation's token and its address, the account starts with that
    address verified (``AccountAdapter.is_email_verified``), is signed in at once, accepts the
    invitation and goes on to it; the next stop is TOTP setup, which the area asks for.
    """

    def get_initial(self) -> dict:
        initial = super().get_initial()
        invitation, _token = session_invitation(self.request)
        if invitation is not None:
            initial["email"] = invitation.email
        return initial

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        invitation, _token = session_invitation(self.request)
        if invitation is not None and "email" in form.fields:
            form.fields["email"].widget.attrs["readonly"] = True
        return form

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        context.update(invitation_context(*session_invitation(self.request)))
        return context

    def get_success_url(self) -> str:
        invitation = invitation_signed_up_with(self.request)
        if invitation is not None:
            return invitation_destination(invitation)
        return super().get_success_url()

    def form_valid(self, form) -> HttpResponse:
        invitation = invitation_signed_up_with(self.request)
        response = super().form_valid(form)
        user = getattr(self, "user", None)
        if user is not None and user.pk:
            self.request.session[SIGNED_UP_AT_SESSION_KEY] = time.time()
        if invitation is not None and user is not None and user.pk:
            if accept_invitation(invitation=invitation, user=user).membership is not None:
                self.request.session.pop(INVITATION_SESSION_KEY, None)
                self.request.session.pop(INVITATION_TOKEN_SESSION_KEY, None)
        return response


class ActivateTOTPView(AllauthActivateTOTPView):
    """allauth's TOTP setup, which then goes where the user was going (``next``), by way of the
    new recovery codes when it made some."""

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        context["next_url"] = get_next_redirect_url(self.request) or ""
        return context

    def get_success_url(self) -> str:
        url = super().get_success_url()
        onward = get_next_redirect_url(self.request)
        if url == reverse("mfa_view_recovery_codes"):
            if onward:
                return f"{url}?{urlencode({REDIRECT_FIELD_NAME: onward})}"
            return url
        return onward or url


class RecoveryCodesView(ViewRecoveryCodesView):
    """allauth's recovery codes, with a link on to where the user was going."""

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        context["next_url"] = get_next_redirect_url(self.request) or ""
        return context


login = LoginView.as_view()
signup = SignupView.as_view()
activate_totp = ActivateTOTPView.as_view()
view_recovery_codes = RecoveryCodesView.as_view()
