import pytest

from bench.fake_esp import FakeBrevo
from tests import factories


@pytest.fixture
def shop(db):
    """A campaign in en (primary), de and pt-br with an update written in en and de."""
    campaign = factories.campaign(
        slug="mailshop", languages=("de", "pt-br"), publish_unreviewed=True
    )
    for translation in campaign.translations.all():
        translation.is_published = True
        translation.save()
    update = factories.mailing_update(
        campaign=campaign, texts={"en": "Big news", "de": "Große Neuigkeiten"}
    )
    return campaign, update


@pytest.fixture
def owner(shop):
    return factories.member(campaign=shop[0], role="owner", email="owner@example.org")


@pytest.fixture
def brevo(settings):
    """The real anymail Brevo backend against a local fake of Brevo's API."""
    fake = FakeBrevo(keep=True).start()
    settings.EMAIL_BACKEND = "anymail.backends.brevo.EmailBackend"
    settings.ANYMAIL = {"BREVO_API_KEY": fake.api_key, "BREVO_API_URL": fake.api_url}
    yield fake
    fake.stop()
