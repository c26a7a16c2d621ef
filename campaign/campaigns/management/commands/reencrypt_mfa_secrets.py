"""Re-encrypt every TOTP secret and recovery-code seed under the current MFA_ENCRYPTION_KEY."""

from allauth.mfa.models import Authenticator
from django.core.management.base import BaseCommand
from django.db import transaction

from campaign.core.secrets import reencrypt_authenticators


class Command(BaseCommand):
    help = "After a key rotation: re-encrypt MFA secrets under MFA_ENCRYPTION_KEY."

    def handle(self, *args, **options):
        with transaction.atomic():
            count = reencrypt_authenticators(Authenticator)
        self.stdout.write(f"Authenticators re-encrypted: {count}")
