from django.core.management.base import BaseCommand

from campaign.seeding import seed_launch_campaigns


class Command(BaseCommand):
    help = "Create the launch campaigns from campaign/content/ where missing (idempotent)."

    def handle(self, *args, **options):
        for campaign in seed_launch_campaigns():
            self.stdout.write(f"Seeded {campaign.slug}")
