from django.apps import AppConfig


class CampaignConfig(AppConfig):
    name = "campaign"
    verbose_name = "Campaigns"

    def ready(self):
        from campaign import (
            accounts,  # noqa: F401  (registers the rate-limit cache check)
            checks,  # noqa: F401  (registers the mail transport check)
        )
