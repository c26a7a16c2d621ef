"""The privacy notice says what the code does, and the data copy speaks the signer's language."""

import re

import pytest
from django.core import mail
from django.utils import translation
from django.utils.translation import gettext, ngettext

from petitions.mail.data_copy import FIELD_LABELS
from petitions.models import Consent, ConsentText, Signature
from tests.conftest import confirm_link
from tests.petitions.helpers import sign
from tests.petitions.rights.test_rights import links

BR = "tiremeurostodasuamira"
EU = "banfacialrecognitioneu"
CONTROLLER = "Coalizão Exemplo, Rua das Flores 10, 01000-000 São Paulo, Brasil"

# The raw field names the data copy used to show ("ip hash", "held_reason"), and the English
# labels and words of the old and new copy (checked where the language translates them).
RAW_NAMES = [
    *(f.verbose_name for f in Signature._meta.concrete_fields if " " in f.verbose_name),
    *(f.name for f in Signature._meta.concrete_fields if "_" in f.name),
]
ENGLISH = [
    *(str(label) for label in FIELD_LABELS.values()),
    "Consents",
    "Petition privacy notice",
    "Campaign updates",
    "News from a partner",
    "Pending confirmation",
    "Confirmed",
    "confirmed",
    "given",
    "text version",
    "yes",
]
HELD_REASONS = ["rate_ip", "Too many signatures from one address", "held reason", "held_reason"]


@pytest.fixture(autouse=True)
def _english_afterwards():
    # Requests under /de/ leave German active in this thread; later modules expect English.
    yield
    translation.activate("en")


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def notice(client, lang: str, slug: str) -> str:
    response = client.get(f"/{lang}/{slug}/privacy/")
    assert response.status_code == 200
    return text_of(response.content.decode())


@pytest.mark.parametrize(("lang", "slug"), [("en", EU), ("de", EU), ("pl", EU), ("pt-br", BR)])
def test_privacy_notice_names_controller_retention_partners_and_rights(
    client, campaigns, settings, lang, slug
):
    settings.PRIVACY_CONTROLLER = CONTROLLER
    settings.CONTACT_EMAIL = "dpo@coalition.example"
    settings.UNCONFIRMED_RETENTION_DAYS = 3
    settings.ANONYMISE_AFTER_DAYS = 45
    settings.IP_HASH_RETENTION_DAYS = 5
    page = notice(client, lang, slug)
    with translation.override(lang):
        expected = [
            gettext("The controller responsible for your data is %(controller)s.")
            % {"controller": CONTROLLER},
            gettext("For any question about your data, write to %(email)s.")
            % {"email": "dpo@coalition.example"},
            ngettext(
                "If you do not confirm your signature, it is deleted %(days)d day after you signed.",
                "If you do not confirm your signature, it is deleted %(days)d days after you signed.",
                3,
            )
            % {"days": 3},
            ngettext(
                "Once the petition has closed and been delivered, %(days)d day after the later of the two dates your signature is anonymised: your name, email address, postal code, IP hash and consents are erased, and what remains only feeds the totals.",
                "Once the petition has closed and been delivered, %(days)d days after the later of the two dates your signature is anonymised: your name, email address, postal code, IP hash and consents are erased, and what remains only feeds the totals.",
                45,
            )
            % {"days": 45},
            ngettext(
                "A keyed hash of your IP address (of an IPv6 address, only its first 64 bits), never the address itself. The key is random, made anew each day and deleted within an hour after the day ends, so that afterwards nobody, us included, can work out your address from the hash or link hashes from different days. The hash is erased %(days)d day after you signed or, if your signature is held for review, once the review is over.",
                "A keyed hash of your IP address (of an IPv6 address, only its first 64 bits), never the address itself. The key is random, made anew each day and deleted within an hour after the day ends, so that afterwards nobody, us included, can work out your address from the hash or link hashes from different days. The hash is erased %(days)d days after you signed or, if your signature is held for review, once the review is over.",
                5,
            )
            % {"days": 5},
            gettext(
                "If you tick the box to hear from a partner organisation, that partner receives your name and email address, with the place, language and date of your signature. Partners you did not choose receive nothing about you."
            ),
            gettext(
                "You have the right to lodge a complaint with a data protection supervisory authority, in particular in the country where you live or work."
            ),
        ]
    for sentence in expected:
        assert sentence in page
    assert "{contact_email}" not in page
    if lang == "en":
        assert "deleted 3 days after you signed" in page
        assert "45 days after the later of the two dates" in page
        assert "The hash is erased 5 days after you signed" in page
    else:
        assert "The key is random" not in page


def test_privacy_notice_numbers_follow_the_settings(client, campaigns, settings):
    settings.UNCONFIRMED_RETENTION_DAYS = 1
    settings.ANONYMISE_AFTER_DAYS = 30
    settings.IP_HASH_RETENTION_DAYS = 1
    page = notice(client, "en", EU)
    assert "it is deleted 1 day after you signed." in page
    assert "30 days after the later of the two dates" in page
    assert "The hash is erased 1 day after you signed or" in page
    settings.UNCONFIRMED_RETENTION_DAYS = 14
    settings.ANONYMISE_AFTER_DAYS = 365
    settings.IP_HASH_RETENTION_DAYS = 21
    page = notice(client, "en", EU)
    assert "it is deleted 14 days after you signed." in page
    assert "365 days after the later of the two dates" in page
    assert "The hash is erased 21 days after you signed or" in page
    assert "7 days" not in page


def test_privacy_notice_mentions_a_region_only_where_the_form_asks_for_one(client, campaigns):
    eu, br = notice(client, "en", EU), notice(client, "en", BR)
    state_sentences = [
        "Your state, if you sign from Brazil.",
        "The addressees of the petition receive the name, state, country and date of each signature, never the email address.",
        "In Brazil, you can complain to the National Data Protection Authority (ANPD).",
    ]
    for sentence in state_sentences:
        assert sentence in br
        assert sentence not in eu
    assert (
        "The addressees of the petition receive the name, country and date of each signature, never the email address."
        in eu
    )
    for word in ["region", "state", "Brazil"]:
        assert word not in eu.lower().replace("statement", ""), word


def test_privacy_consent_stores_the_notice_and_a_changed_notice_is_a_new_version(
    client, br_petition, run_tasks, settings
):
    sign(client, lang="en", slug=BR, email="first@example.org")
    first = Signature.objects.get(email="first@example.org")
    first_text = Consent.objects.get(signature=first, text__kind="privacy").text
    assert "it is deleted 7 days after you signed." in first_text.text
    assert "The controller responsible for your data is" in first_text.text

    settings.UNCONFIRMED_RETENTION_DAYS = 10
    sign(client, lang="en", slug=BR, email="second@example.org")
    second = Signature.objects.get(email="second@example.org")
    second_text = Consent.objects.get(signature=second, text__kind="privacy").text
    assert second_text.pk != first_text.pk
    assert "it is deleted 10 days after you signed." in second_text.text
    assert Consent.objects.get(signature=first, text__kind="privacy").text_id == first_text.pk
    assert ConsentText.objects.get(pk=first_text.pk).text == first_text.text


def test_data_copy_labels_every_stored_field():
    shown = {field.name for field in Signature._meta.concrete_fields} - {"id"}
    assert set(FIELD_LABELS) == shown


def data_copy(client, run_tasks, *, lang: str, slug: str, **fields):
    sign(client, lang=lang, slug=slug, updates_opt_in="on", **fields)
    run_tasks()
    client.post(confirm_link(mail.outbox[-1]).replace("http://testserver", ""))
    client.post(links(mail.outbox[-1])["data"])
    run_tasks()
    return mail.outbox[-1]


@pytest.mark.parametrize(
    ("lang", "slug", "country"), [("de", EU, "DE"), ("pl", EU, "PL"), ("pt-br", BR, "BR")]
)
def test_data_copy_email_has_no_english_field_names(
    client, campaigns, run_tasks, lang, slug, country
):
    message = data_copy(
        client, run_tasks, lang=lang, slug=slug, country=country, postal_code="12345"
    )
    html = text_of(message.alternatives[0][0])
    signature = Signature.objects.get()
    with translation.override(lang):
        english_words = RAW_NAMES + [e for e in ENGLISH if gettext(e) != e]
    assert "ip hash" in english_words and "Signed on" in english_words
    for body in [message.body, html]:
        for english in english_words:
            assert not re.search(rf"(?<![\w-]){re.escape(english)}(?![\w-])", body), english
        assert signature.created_at.isoformat()[:10] not in body
    with translation.override(lang):
        labels = [
            gettext("Signature reference"),
            gettext("Email address as compared for duplicates"),
            gettext("Keyed hash of your IP address"),
            gettext("Signed on"),
            gettext("Confirmed on"),
            gettext("Review"),
            gettext("Consents"),
            gettext("Campaign updates"),
            gettext("confirmed"),
        ]
    for label in labels:
        assert label in message.body
        assert label in html
    assert signature.ip_hash in message.body


def test_data_copy_dates_are_in_the_signers_language(client, campaigns, run_tasks):
    from campaign.core.l10n import format_datetime

    message = data_copy(client, run_tasks, lang="de", slug=EU, country="DE")
    signature = Signature.objects.get()
    assert f"Unterschrieben am: {format_datetime(signature.created_at, 'de')}" in message.body
    assert f"Sprache: {translation.get_language_info('de')['name_local']}" in message.body


def test_data_copy_does_not_reveal_why_a_signature_is_held(client, campaigns, run_tasks):
    message = data_copy(client, run_tasks, lang="de", slug=EU, country="DE")
    signature = Signature.objects.get()
    Signature.objects.filter(pk=signature.pk).update(held_reason="rate_ip", counted=False)
    client.post(links(message)["data"])
    run_tasks()
    held = mail.outbox[-1]
    for reason in HELD_REASONS:
        assert reason not in held.body
        assert reason not in held.alternatives[0][0]
    assert "Prüfung: wird vor der Zählung geprüft" in held.body
    assert "Prüfung: nein" in message.body
