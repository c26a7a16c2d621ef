from django.core.management.base import BaseCommand

from petitions.models import Petition
from petitions.reporting.counting import reconcile_counts


class Command(BaseCommand):
    help = "Recount confirmed signatures and correct any stored count that differs."

    def add_arguments(self, parser):
        parser.add_argument("slugs", nargs="*", help="Petitions to reconcile (default: all).")

    def handle(self, *args, slugs, **options):
        petitions = Petition.objects.select_related("campaign")
        if slugs:
            petitions = petitions.filter(campaign__slug__in=slugs)
        for petition in petitions:
            result = reconcile_counts(petition=petition)
            if not result.corrected:
                self.stdout.write(f"{petition.slug}: counts match the rows")
            for (country, region), (stored, actual) in sorted(result.corrected.items()):
                place = f"{country} {region}".strip()
                self.stdout.write(f"{petition.slug}: {place} corrected from {stored} to {actual}")
