"""The one ESP tracking webhook the site mounts: anymail's own view for settings.EMAIL_ESP.

Only the configured ESP's tracking URL exists (none without an ESP), under the path and name
anymail gives it (``/anymail/<esp>/tracking/``). anymail's view keeps its basic auth
(ANYMAIL_WEBHOOK_SECRET) and signature checks; what it cannot parse (wrong JSON, an inbound
payload, missing fields, an event type it does not know) answers 400 instead of 500, through
anymail's own AnymailWebhookValidationFailure, so the ESP does not retry it forever.
"""

from __future__ import annotations

from anymail import urls as anymail_urls
from anymail.exceptions import AnymailConfigurationError, AnymailWebhookValidationFailure
from anymail.signals import EventType
from django.urls import URLPattern

from petitions.mail.health import HANDLED_EVENTS

# What anymail's parsers raise on a payload of the wrong shape (JSON errors are ValueErrors);
# AnymailConfigurationError is how they name an inbound payload sent to the tracking URL.
MALFORMED = (
    ValueError,
    KeyError,
    IndexError,
    TypeError,
    AttributeError,
    AnymailConfigurationError,
)


class StrictParsing:
    """Mixin for an anymail tracking view: a payload it cannot use is a validation failure."""

    def run_validators(self, request):
        try:
            super().run_validators(request)
        except MALFORMED as error:
            raise AnymailWebhookValidationFailure(
                f"Malformed {self.esp_name} webhook request ({type(error).__name__})"
            ) from error

    def parse_events(self, request):
        try:
            events = list(super().parse_events(request))
        except MALFORMED as error:
            raise AnymailWebhookValidationFailure(
                f"Malformed {self.esp_name} tracking payload ({type(error).__name__})"
            ) from error
        for event in events:
            if event.event_type == EventType.UNKNOWN:
                raise AnymailWebhookValidationFailure(
                    f"Unknown {self.esp_name} tracking event type"
                )
            if event.event_type in HANDLED_EVENTS and not event.recipient:
                raise AnymailWebhookValidationFailure(
                    f"{self.esp_name} {event.event_type} event without a recipient"
                )
        return events

    def http_method_not_allowed(self, request, *args, **kwargs):
        raise AnymailWebhookValidationFailure(f"{request.method} to a webhook that takes POST")


def tracking_webhook_urls(esp: str) -> list[URLPattern]:
    """anymail's URL pattern(s) for this ESP's tracking webhook, with strict parsing."""
    names = {f"{esp}_tracking_webhook"}
    if esp == "mandrill":
        names.add("mandrill_webhook")  # Mandrill's one combined endpoint
    patterns = []
    for pattern in anymail_urls.urlpatterns:
        if not esp or pattern.name not in names:
            continue
        view_class = pattern.callback.view_class
        strict = type(f"Strict{view_class.__name__}", (StrictParsing, view_class), {})
        patterns.append(
            URLPattern(
                pattern.pattern,
                strict.as_view(**pattern.callback.view_initkwargs),
                name=pattern.name,
            )
        )
    return patterns
