from django.apps import AppConfig


class PetitionsConfig(AppConfig):
    name = "petitions"
    verbose_name = "Petitions"

    def ready(self) -> None:
        from anymail.signals import tracking

        from petitions import checks  # noqa: F401  (registers the proxy deploy check)
        from petitions.mail.health import on_tracking_event

        tracking.connect(on_tracking_event, dispatch_uid="petitions.mail.health")
