from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from campaign.campaigns.models import Campaign, CampaignMembership, Role


class Command(BaseCommand):
    help = (
        "Make EMAIL the owner of the campaign SLUG, creating the account with a verified "
        "address if needed. The person then sets a password through 'Forgot password' and an "
        "authenticator app at first sign-in."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("slug")

    def handle(self, *args, email: str, slug: str, **options):
        campaign = Campaign.objects.filter(slug=slug).first()
        if campaign is None:
            raise CommandError(f"No campaign {slug!r}.")
        email = email.strip().lower()
        User = get_user_model()
        with transaction.atomic():
            user = User.objects.filter(email__iexact=email).first()
            if user is None:
                user = User.objects.create_user(username=email, email=email)
                user.set_unusable_password()
                user.save()
            EmailAddress.objects.update_or_create(
                user=user, email__iexact=email, defaults={"email": email, "verified": True}
            )
            if not EmailAddress.objects.filter(user=user, primary=True).exists():
                EmailAddress.objects.filter(user=user, email__iexact=email).update(primary=True)
            CampaignMembership.objects.update_or_create(
                user=user, campaign=campaign, defaults={"role": Role.OWNER}
            )
        self.stdout.write(f"{email} owns {slug}.")
