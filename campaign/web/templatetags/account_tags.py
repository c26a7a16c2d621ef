"""Template helpers for the account pages (allauth's templates, overridden in templates/account/)."""

from __future__ import annotations

from allauth.account.adapter import get_adapter
from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def signup_open(context) -> bool:
    """Whether this visitor may sign up: everyone when ACCOUNT_SIGNUP_OPEN, else invitees."""
    request = context.get("request")
    return request is not None and get_adapter(request).is_open_for_signup(request)
