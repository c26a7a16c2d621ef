import os
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from petitions.models import Petition
from petitions.reporting.delivery import site_language, write_package


class Command(BaseCommand):
    help = (
        "Build a petition's delivery package for legislators (cover letters in each place's "
        "languages and signer lists, no email addresses): the same ZIP as the organizer area."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("-o", "--output", required=True, help="The ZIP file to write.")
        parser.add_argument(
            "--language",
            help="Language of the documents for the overall addressee (the summary and the "
            "letter for signers from elsewhere); default: the campaign's primary language.",
        )

    def handle(self, *args, slug, output, language, **options):
        petition = Petition.objects.select_related("campaign").filter(campaign__slug=slug).first()
        if petition is None:
            known = ", ".join(
                Petition.objects.order_by("campaign__slug").values_list("campaign__slug", flat=True)
            )
            raise CommandError(f"No petition {slug!r}; known: {known or 'none'}")
        if language is not None:
            code = site_language(language)
            if code is None:
                offered = ", ".join(code for code, _name in settings.LANGUAGES)
                raise CommandError(f"Unknown language {language!r}; offered: {offered}")
            language = code
        path = Path(output)
        partial = path.with_name(path.name + ".part")
        try:
            signers = write_package(petition=petition, path=partial, language=language)
            os.replace(partial, path)
        finally:
            partial.unlink(missing_ok=True)
        self.stderr.write(f"{slug}: {signers:,} signers in {path}")
