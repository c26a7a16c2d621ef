import time

from django.core.management.base import BaseCommand, CommandError

from petitions.models import Petition
from petitions.reporting.counting import petition_counts
from petitions.signing.demo import seed_signatures


class Command(BaseCommand):
    help = "Add confirmed demo signatures (seed-<n>@example.invalid) to a petition."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--count", type=int, required=True)
        parser.add_argument("--seed", type=int, default=None, help="Random seed (repeatable).")

    def handle(self, *args, slug, count, seed, **options):
        petition = Petition.objects.select_related("campaign").filter(campaign__slug=slug).first()
        if petition is None:
            raise CommandError(f"No petition {slug!r}")
        if count < 1:
            raise CommandError("--count must be at least 1")
        started = time.monotonic()
        first = seed_signatures(petition=petition, count=count, seed=seed)
        total = petition_counts(petition_id=petition.pk).total
        self.stdout.write(
            f"{slug}: added {count:,} confirmed signatures (seed-{first} to "
            f"seed-{first + count - 1}) in {time.monotonic() - started:.1f} s; "
            f"{total:,} confirmed in all"
        )
