import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from campaign.core.private_files import open_private
from petitions.models import Petition
from petitions.reporting.exports import EXPORTERS, write_export

BY = {
    "country": "summary_country",
    "region": "summary_region",
    "partner": "summary_partner",
    "day": "summary_day",
}


class Command(BaseCommand):
    help = (
        "Export a petition's confirmed signatures: the signer list (no email addresses), "
        "or with --by a summary. Writes the same bytes as the organizer pages."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--format", dest="fmt", choices=["csv", "xlsx", "pdf"], default="csv")
        parser.add_argument("--by", choices=sorted(BY), help="A summary instead of the list.")
        parser.add_argument(
            "--contacts",
            action="store_true",
            help="The contact list (signers who opted in to updates, with email) instead.",
        )
        parser.add_argument("-o", "--output", default="-", help="File to write ('-': stdout).")
        parser.add_argument("--language", default="en", help="Language of headers and names.")

    def handle(self, *args, slug, fmt, by, contacts, output, language, **options):
        petition = Petition.objects.select_related("campaign").filter(campaign__slug=slug).first()
        if petition is None:
            raise CommandError(f"No petition {slug!r}")
        identifier = BY[by] if by else "contacts" if contacts else "signers"
        if fmt not in EXPORTERS[identifier].formats:
            raise CommandError(f"{identifier} is not offered as {fmt}")
        with translation.override(language):
            if output == "-":
                rows = write_export(
                    petition=petition, identifier=identifier, fmt=fmt, stream=sys.stdout.buffer
                )
            else:
                # Signer data: the file is created 0600 wherever the operator puts it.
                with open_private(output) as stream:
                    rows = write_export(
                        petition=petition, identifier=identifier, fmt=fmt, stream=stream
                    )
        self.stderr.write(f"{slug}: {rows:,} rows of {identifier} as {fmt} to {output}")
