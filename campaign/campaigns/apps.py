from django.apps import AppConfig
from django.conf import settings
from django.core.management import call_command
from django.db.models.signals import post_migrate


def create_cache_table(using: str = "default", **kwargs) -> None:
    """Make the database cache's table on every migrate (make run, make serve, tests, deploys),
    so the shared cache works without a separate createcachetable step."""
    call_command("createcachetable", settings.DATABASE_CACHE_TABLE, database=using, verbosity=0)


class CampaignConfig(AppConfig):
    name = "campaign.campaigns"
    # The label the tables, migrations and content types have always had.
    label = "campaign"
    verbose_name = "Campaigns"

    def ready(self):
        from campaign.conf import checks  # noqa: F401  (registers the deployment checks)

        post_migrate.connect(create_cache_table, sender=self)
