"""The updates service: drafts and their slugs, per-field outdated tracking, review, publishing,
deleting drafts, and which update a reader sees in which language."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from campaign.campaigns.content import get_campaign
from campaign.campaigns.models import CampaignUpdate, CampaignUpdateTranslation
from campaign.campaigns.updates import (
    UpdateError,
    approve_update_translation,
    create_update,
    delete_draft,
    outdated_update_fields,
    primary_of,
    public_updates,
    public_updates_in,
    publish_update,
    save_update_translation,
    unique_slug,
    unpublish_update,
)
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign():
    campaign = factories.campaign(
        slug="updates-test",
        languages=("de", "el", "pt-br"),
        published_at=timezone.now(),
    )
    # Offered languages (reviewed): an update is read only in a language its campaign offers.
    campaign.translations.update(needs_review=False)
    return campaign


@pytest.fixture
def author(campaign):
    return factories.member(campaign=campaign, role="organizer", email="writer@example.org")


def row(update, language) -> CampaignUpdateTranslation:
    return CampaignUpdateTranslation.objects.get(update=update, language=language)


def test_create_update_makes_a_draft_with_its_primary_text(campaign, author):
    update = create_update(
        campaign=campaign, title="We delivered 10,000 signatures!", body="First.\r\n\r\nSecond.",
        user=author,
    )  # fmt: skip
    update.refresh_from_db()
    assert (update.slug, update.published_at, update.created_by) == (
        "we-delivered-10000-signatures",
        None,
        author,
    )
    primary = row(update, "en")
    assert (primary.title, primary.body, primary.needs_review) == (
        "We delivered 10,000 signatures!",
        "First.\n\nSecond.",
        False,
    )


def test_slugs_are_unique_per_campaign_and_never_empty(campaign, author):
    first = create_update(campaign=campaign, title="Hearing", body="a", user=author)
    second = create_update(campaign=campaign, title="Hearing!", body="b", user=author)
    third = create_update(campaign=campaign, title="hearing", body="c", user=author)
    greek = create_update(campaign=campaign, title="Ενημέρωση", body="d", user=author)
    assert [first.slug, second.slug, third.slug, greek.slug] == [
        "hearing",
        "hearing-2",
        "hearing-3",
        "update",
    ]
    # The same title in another campaign keeps its plain slug.
    other = factories.campaign(slug="other-campaign")
    assert unique_slug(campaign=other, title="Hearing") == "hearing"
    # A long title is cut to the field's length, the number included.
    long_title = "word " * 40
    a = create_update(campaign=campaign, title=long_title, body="e", user=author)
    b = create_update(campaign=campaign, title=long_title, body="f", user=author)
    assert len(a.slug) <= 80 and len(b.slug) <= 80
    assert b.slug.endswith("-2") and b.slug[:-2] == a.slug[: len(b.slug) - 2]


def test_translation_records_its_source_and_needs_review(campaign, author):
    update = create_update(campaign=campaign, title="Title", body="Body.", user=author)
    saved, changed = save_update_translation(
        update=update, language="de", title="Titel", body="Text.\r\n"
    )
    assert changed == ["title", "body"]
    assert (saved.needs_review, saved.body) == (True, "Text.\n")
    assert outdated_update_fields(saved, row(update, "en")) == []
    # Saving the same text (with the browser's line endings) changes nothing.
    again, changed = save_update_translation(
        update=update, language="de", title="Titel", body="Text.\r\n"
    )
    assert changed == []


def test_a_changed_primary_field_makes_only_that_field_outdated(campaign, author):
    update = create_update(campaign=campaign, title="Title", body="Body.", user=author)
    save_update_translation(update=update, language="de", title="Titel", body="Text.")
    _, changed = save_update_translation(
        update=update, language="en", title="Title", body="Body, corrected."
    )
    assert changed == ["body"]
    primary = row(update, "en")
    assert primary.needs_review is False
    assert outdated_update_fields(row(update, "de"), primary) == ["body"]
    # Translating the body again catches up; the title stays as it was.
    save_update_translation(update=update, language="de", title="Titel", body="Text, korrigiert.")
    assert outdated_update_fields(row(update, "de"), primary) == []


def test_approving_a_translation_makes_it_reviewed_and_current(campaign, author):
    update = create_update(campaign=campaign, title="Title", body="Body.", user=author)
    save_update_translation(update=update, language="de", title="Titel", body="Text.")
    save_update_translation(update=update, language="en", title="New title", body="Body.")
    german = row(update, "de")
    assert outdated_update_fields(german, row(update, "en")) == ["title"]
    approve_update_translation(translation=german)
    german.refresh_from_db()
    assert german.needs_review is False
    assert outdated_update_fields(german, row(update, "en")) == []


def test_publish_and_unpublish(campaign, author):
    update = create_update(campaign=campaign, title="Title", body="Body.", user=author)
    assert publish_update(update=update) is True
    published_at = CampaignUpdate.objects.get(pk=update.pk).published_at
    assert published_at is not None
    # Publishing again keeps the first publication time.
    assert publish_update(update=update) is False
    assert CampaignUpdate.objects.get(pk=update.pk).published_at == published_at
    assert unpublish_update(update=update) is True
    assert CampaignUpdate.objects.get(pk=update.pk).published_at is None
    assert unpublish_update(update=update) is False


def test_publishing_requires_the_primary_text(campaign):
    update = CampaignUpdate.objects.create(campaign=campaign, slug="no-text")
    CampaignUpdateTranslation.objects.create(update=update, language="de", title="T", body="B")
    with pytest.raises(UpdateError):
        publish_update(update=update)
    assert CampaignUpdate.objects.get(pk=update.pk).published_at is None


def test_only_drafts_can_be_deleted(campaign):
    draft = factories.campaign_update(campaign=campaign, slug="draft", published=False)
    published = factories.campaign_update(campaign=campaign, slug="published")
    assert delete_draft(update=published) is False
    assert delete_draft(update=draft) is True
    assert list(
        CampaignUpdate.objects.filter(campaign=campaign).values_list("slug", flat=True)
    ) == ["published"]
    assert not CampaignUpdateTranslation.objects.filter(update_id=draft.pk).exists()


def test_public_updates_are_the_published_ones_newest_first(campaign):
    now = timezone.now()
    factories.campaign_update(campaign=campaign, slug="draft", published=False)
    factories.campaign_update(
        campaign=campaign, slug="older", published_at=now - datetime.timedelta(days=2)
    )
    factories.campaign_update(campaign=campaign, slug="newer", published_at=now)
    # Published, but its primary text was removed (in the admin): not public.
    orphan = factories.campaign_update(campaign=campaign, slug="orphan")
    primary_of(orphan).delete()
    other = factories.campaign(slug="other-campaign", published_at=now)
    factories.campaign_update(campaign=other, slug="elsewhere")
    assert [u.slug for u in public_updates(campaign=campaign)] == ["newer", "older"]
    assert [u.slug for u in public_updates_in(campaign=campaign, language="en", limit=1)] == [
        "newer"
    ]


def test_reader_language_follows_the_campaign_fallback_chain(campaign):
    factories.campaign_update(
        campaign=campaign,
        slug="news",
        title="News",
        translations={"de": ("Neuigkeiten", "Text."), "pt-br": ("Novidades", "Texto.")},
        reviewed=True,
    )

    def seen(language):
        item = public_updates_in(campaign=campaign, language=language)[0]
        return item.language, item.title, item.unreviewed

    assert seen("de") == ("de", "Neuigkeiten", False)
    # pt → its Brazilian variant; a language without a translation → English.
    assert seen("pt") == ("pt-br", "Novidades", False)
    assert seen("el") == ("en", "News", False)


def test_unreviewed_translations_follow_the_publish_unreviewed_rule(campaign):
    factories.campaign_update(
        campaign=campaign,
        slug="news",
        title="News",
        translations={"el": ("Νέα", "Κείμενο.")},
    )
    first = public_updates_in(campaign=campaign, language="el")[0]
    assert (first.language, first.title, first.unreviewed) == ("en", "News", False)
    campaign.publish_unreviewed = True
    campaign.save(update_fields=["publish_unreviewed"])
    first = public_updates_in(campaign=campaign, language="el")[0]
    assert (first.language, first.title, first.unreviewed) == ("el", "Νέα", True)


def test_updated_at_is_the_later_of_publication_and_the_last_edit(campaign):
    published_at = timezone.now() - datetime.timedelta(days=3)
    update = factories.campaign_update(campaign=campaign, slug="news", published_at=published_at)
    CampaignUpdateTranslation.objects.filter(update=update).update(
        updated_at=published_at - datetime.timedelta(days=1)
    )
    item = public_updates_in(campaign=campaign, language="en")[0]
    assert (item.published_at, item.updated_at) == (published_at, published_at)
    edited = published_at + datetime.timedelta(days=1)
    CampaignUpdateTranslation.objects.filter(update=update).update(updated_at=edited)
    item = public_updates_in(campaign=campaign, language="en")[0]
    assert item.updated_at == edited


def test_public_updates_in_reads_in_two_queries(campaign, django_assert_num_queries):
    for n in range(3):
        factories.campaign_update(
            campaign=campaign, slug=f"u{n}", translations={"de": (f"T{n}", "B")}
        )
    campaign = get_campaign(campaign.slug)  # with its translations, as the pages have it
    with django_assert_num_queries(2):
        assert len(public_updates_in(campaign=campaign, language="de")) == 3
