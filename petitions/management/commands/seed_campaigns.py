from django.conf import settings
from django.core.management.base import BaseCommand

from petitions.models import Widget
from petitions.seeding import demo_widget_key, seed_launch_campaigns


class Command(BaseCommand):
    help = (
        "Create the launch campaigns from petitions/launch_content/ where missing (idempotent). "
        "The demo partner, whose widget key is guessable, only with --demo-partner or "
        "SEED_DEMO_PARTNER=1."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--demo-partner",
            action="store_true",
            help="Also create each campaign's demo partner, widget key demo-<slug>, allowed on "
            "localhost and 127.0.0.1 (make run does).",
        )

    def handle(self, *args, **options):
        demo_partner = options["demo_partner"] or settings.SEED_DEMO_PARTNER
        for campaign in seed_launch_campaigns(demo_partner=demo_partner):
            self.stdout.write(f"Seeded {campaign.slug}")
            key = demo_widget_key(campaign.slug)
            if not demo_partner and Widget.objects.filter(key=key).exists():
                self.stderr.write(
                    f"The demo widget {key} exists from an earlier seed: its key is guessable. "
                    "Delete it (and its Demo partner) in the admin unless you want it."
                )
